package occam.schemas;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Child process for {@link KilledWriterTest}: writes large checkpoints forever, announcing each one. */
public final class KilledWriterMain {

    public static void main(String[] args) {
        Archive archive = new Archive(Path.of(args[0]));
        Random random = new Random(1);
        float[] values = new float[3_000_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        for (int step = 1; ; step++) {
            System.out.println("writing " + step);
            System.out.flush();
            archive.writeCheckpoint(new Checkpoint("big", step, step, Map.of("w", new Tensor(new int[] {3000, 1000}, values))));
        }
    }
}

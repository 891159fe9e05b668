package occam.training.imports;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Tensor;

/**
 * Writes one archived checkpoint as raw little-endian float32 ({@code weights.f32}) with a JSON index
 * ({@code index.json}: name, shape and element offset per tensor), the input of {@code make_fixtures.py}.
 * Usage: {@code FixtureExport <archive root> <run id> <step> <out dir>}.
 */
public final class FixtureExport {

    private FixtureExport() {}

    public static void main(String[] args) throws IOException {
        Checkpoint c = new Archive(Path.of(args[0])).readCheckpoint(args[1], Integer.parseInt(args[2]));
        Path out = Files.createDirectories(Path.of(args[3]));
        long total = c.tensors().values().stream().mapToLong(t -> t.values().length).sum();
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(4 * total)).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder index = new StringBuilder("[\n");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            float[] v = e.getValue().values();
            buf.asFloatBuffer().put(v);
            buf.position(buf.position() + 4 * v.length);
            index.append(offset == 0 ? "" : ",\n").append("  {\"name\": \"").append(e.getKey()).append("\", \"shape\": ")
                    .append(java.util.Arrays.toString(e.getValue().shape())).append(", \"offset\": ").append(offset).append('}');
            offset += v.length;
        }
        Files.write(out.resolve("weights.f32"), buf.array());
        Files.writeString(out.resolve("index.json"), index.append("\n]\n"));
    }
}

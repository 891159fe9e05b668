package occam.training;

import java.util.List;
import java.util.TreeSet;

/** The epochs at which checkpoints and metrics are recorded: floor(1.3^n) for n = 0, 1, ..., deduplicated, and the last epoch. */
public final class CheckpointSchedule {

    static final double BASE = 1.3;

    private CheckpointSchedule() {}

    /** Ascending epochs in [1, epochs]. */
    public static List<Integer> epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs(" + epochs + ") < 1");
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (int n = 0; ; n++) {
            double e = Math.floor(Math.pow(BASE, n));
            if (e > epochs) {
                break;
            }
            out.add((int) e);
        }
        out.add(epochs);
        return List.copyOf(out);
    }
}

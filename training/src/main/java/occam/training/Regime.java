package occam.training;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import occam.training.task.Task;

/** The three regularization regimes compared in the paper; names are the {@code runs.regime} values. */
public enum Regime {
    /** No regularization. */
    NONE("none"),
    /** AdamW weight decay 1.0. */
    WD("wd"),
    /** Weight decay 1.0 + 0.1 x mean spectral entropy of the 2-D weights + Gaussian weight noise. */
    OURS("ours");

    private final String id;

    Regime(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public double weightDecay() {
        return this == NONE ? 0.0 : 1.0;
    }

    public double spectralBeta() {
        return this == OURS ? 0.1 : 0.0;
    }

    public double noiseStd(Task task) {
        return this == OURS ? task.defaultNoiseStd() : 0.0;
    }

    public static Regime fromId(String id) {
        for (Regime r : values()) {
            if (r.id.equals(id.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown regime '" + id + "', expected one of " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Regime::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}

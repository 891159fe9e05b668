package occam.training.task;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A binary operation modulo a prime p, with the defaults the authors used for it. Names are the {@code task}
 * values of the {@code runs} table.
 *
 * <p>The polynomial tasks have no published defaults; they get the settings of the harder pair (sub, div): train
 * fraction 0.3, two layers and the smaller weight noise.
 */
public enum Task {
    ADD("add", 0.2, 1),
    SUB("sub", 0.3, 2),
    MUL("mul", 0.2, 1),
    DIV("div", 0.3, 2),
    X2Y2("x2y2", 0.3, 2),
    X2XYY2("x2xyy2", 0.3, 2);

    private final String id;
    private final double trainFraction;
    private final int layers;

    Task(String id, double trainFraction, int layers) {
        this.id = id;
        this.trainFraction = trainFraction;
        this.layers = layers;
    }

    /** The name used on the command line and in {@code runs.task}. */
    public String id() {
        return id;
    }

    public double defaultTrainFraction() {
        return trainFraction;
    }

    public int defaultLayers() {
        return layers;
    }

    /** The weight noise of the paper's regime: 1e-2 for the one-layer tasks, 1e-3 for the two-layer ones. */
    public double defaultNoiseStd() {
        return layers == 1 ? 1e-2 : 1e-3;
    }

    /** Equations in the table modulo {@code p}. */
    public int rows(int p) {
        return accepts(0) ? p * p : p * (p - 1);
    }

    /** Division is undefined for b = 0, so its table skips that column. */
    public boolean accepts(int b) {
        return this != DIV || b != 0;
    }

    /** {@code a op b mod p}, for 0 <= a, b < p (b != 0 for div). */
    public int apply(int a, int b, int p) {
        long x = a;
        long y = b;
        long c = switch (this) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x * modPow(y, p - 2, p);
            case X2Y2 -> x * x + y * y;
            case X2XYY2 -> x * x + x * y + y * y;
        };
        return (int) Math.floorMod(c, (long) p);
    }

    public static Task fromId(String id) {
        for (Task t : values()) {
            if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + id + "', expected one of " + ids());
    }

    public static String ids() {
        return Arrays.stream(values()).map(Task::id).collect(Collectors.joining(", "));
    }

    /** b^e mod p by squaring: the inverse of b is b^(p-2) by Fermat, as p is prime. */
    private static long modPow(long b, int e, int p) {
        long result = 1;
        long base = b % p;
        for (int k = e; k > 0; k >>= 1) {
            if ((k & 1) == 1) {
                result = result * base % p;
            }
            base = base * base % p;
        }
        return result;
    }

    @Override
    public String toString() {
        return id;
    }
}

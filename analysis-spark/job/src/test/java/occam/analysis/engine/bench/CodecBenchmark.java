package occam.analysis.engine.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import occam.analysis.engine.codec.Codec;
import occam.analysis.engine.codec.IntegerCodec;
import occam.analysis.engine.codec.PaperCodec;
import occam.analysis.engine.codec.StepSizes;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.coarse.CoarseKey;
import occam.analysis.engine.loss.LossEvaluator;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.lowrank.MatrixSvd;
import occam.analysis.engine.model.CoarseTensor;
import occam.analysis.engine.quant.Quantizer;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.RunInfo;

/**
 * The paper codec against the integer codec on real checkpoints of an archive, one thread.
 *
 * <p>Per run (its last checkpoint unless {@code --step}): the naive size (bzip2 of the checkpoint's float32
 * values); encode and decode times of both codecs (median thread CPU time of {@code --repeats} after warm-up) on
 * the dense model (tau 1) and on each codec's best point; then a self-contained scan of (tau, Delta) (for each
 * tau of a grid, the largest Delta whose loss increase is at most epsilon, by bisection, and a few Deltas below
 * it) that sizes those coarse models under both codecs, and prints per codec the smallest size found, the
 * ratios, and where the integer codec's bytes go (per stream: values, distinct indices, order-0 entropy, coded
 * bytes; and the header). Every size is the length of a complete message, checked to decode to the same model.
 *
 * <p>Usage: {@code CodecBenchmark --archive ROOT [--run ID]... [--step N] [--epsilon E] [--repeats R]
 * [--point TAU DELTA]}; default runs: every run of the archive, epsilon 1, 9 repeats; {@code --point} measures
 * one point instead of scanning. {@code analysis-spark/job/benchmark codec} runs it.
 */
public final class CodecBenchmark {

    private static final double[] TAUS = {1.0, 0.98, 0.96, 0.94, 0.92, 0.91, 0.9, 0.89, 0.88, 0.87, 0.86, 0.85, 0.84, 0.82, 0.8,
        0.75, 0.7, 0.6};

    private CodecBenchmark() {}

    public static void main(String[] args) {
        String archive = null;
        List<String> runs = new ArrayList<>();
        Integer step = null;
        double epsilon = 1.0;
        int repeats = 9;
        double[] at = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--archive" -> archive = args[++i];
                case "--run" -> runs.add(args[++i]);
                case "--step" -> step = Integer.parseInt(args[++i]);
                case "--epsilon" -> epsilon = Double.parseDouble(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--point" -> at = new double[] {Double.parseDouble(args[++i]), Double.parseDouble(args[++i])};
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: CodecBenchmark --archive ROOT"
                        + " [--run ID]... [--step N] [--epsilon E] [--repeats R] [--point TAU DELTA]");
            }
        }
        if (archive == null) {
            throw new IllegalArgumentException("--archive ROOT is required");
        }
        Archive a = new Archive(Path.of(archive));
        if (runs.isEmpty()) {
            runs = a.runIds();
        }
        System.out.println("java " + System.getProperty("java.version") + ", matrix kernel " + LossEvaluator.kernel() + ", one thread; "
                + "load average " + loadAverage());
        for (String runId : runs) {
            RunInfo run = a.readRun(runId);
            List<Integer> steps = a.checkpointSteps(runId);
            int s = step != null ? step : steps.get(steps.size() - 1);
            List<Example> train = a.readExamples(runId).stream().filter(Example::train).toList();
            new RunBench(runId, s, run, a.readCheckpoint(runId, s), train, epsilon, repeats, at).run();
        }
        System.out.println("\nload average at the end " + loadAverage());
    }

    /**
     * How a kept matrix is split into factors: the paper's U_k diag(s) and V_k^T (what CoarseGrainer builds), or
     * balanced, U_k diag(s)^1/2 and diag(s)^1/2 V_k^T: the same product, but one step then costs the two factors
     * the same error per triplet, so a coarser step meets the same loss (a freedom the integer codec's search may
     * use; the paper codec's best stays on the paper's split, and is printed on the balanced one for comparison).
     */
    enum Split {
        PAPER, BALANCED
    }

    /** One measured coarse model, sized by both codecs. */
    private record Point(Split split, double tau, double delta, CoarseKey key, double increase, long paperBytes, long integerBytes) {}

    private record Model(Split split, CoarseKey key) {}

    private static final class RunBench {
        final String runId;
        final int step;
        final RunInfo run;
        final Checkpoint checkpoint;
        final double epsilon;
        final int repeats;
        final LossEvaluator evaluator;
        final CoarseModel original;
        final CoarseGrainer grainer;
        final double baseLoss;
        final Map<Model, Point> points = new HashMap<>();
        final Map<Model, Double> increases = new HashMap<>();
        final double[] at;

        RunBench(String runId, int step, RunInfo run, Checkpoint checkpoint, List<Example> train, double epsilon, int repeats,
                double[] at) {
            this.at = at;
            this.runId = runId;
            this.step = step;
            this.run = run;
            this.checkpoint = checkpoint;
            this.epsilon = epsilon;
            this.repeats = repeats;
            this.evaluator = LossEvaluator.prepare(run.model(), train);
            this.original = CoarseModel.of(run.model(), checkpoint);
            this.grainer = CoarseGrainer.of(run.model(), original);
            this.baseLoss = evaluator.evaluate(original).meanLossNats();
        }

        void run() {
            long naive = PaperCodec.compressedSize(original);
            System.out.printf("%n== run %s step %d (%s, %d layer(s)): %,d parameters, %,d training examples, loss %.4f nats%n", runId, step,
                    run.regime(), run.model().numLayers(), run.model().parameterCount(), evaluator.examples(), baseLoss);
            System.out.printf("naive (bzip2 of the checkpoint's float32 values): %,d bytes of %,d raw%n", naive,
                    4 * run.model().parameterCount());
            if (at != null) {
                for (Split split : Split.values()) {
                    Point p = measure(split, at[0], at[1]);
                    System.out.printf("at tau %s, Delta %s, %s split: ranks %s, loss increase %.4f, paper %,d bytes, integer %,d bytes%n",
                            at[0], at[1], split, p.key().ranksKept(), p.increase(), p.paperBytes(), p.integerBytes());
                    timing("this point, " + split + " split", split, p.key());
                    bytesOf(build(split, p.key()), StepSizes.uniform(at[1]));
                }
                return;
            }
            long c0 = cpuNanos();
            for (Split split : Split.values()) {
                for (double tau : TAUS) {
                    scanDelta(split, tau);
                }
            }
            System.out.printf("scan: %d distinct coarse models evaluated, %d sized, %.1f s thread CPU%n", increases.size(), points.size(),
                    (cpuNanos() - c0) / 1e9);

            Point paper = best(true, Split.PAPER);
            Point integerSame = best(false, Split.PAPER);
            Point integer = best(false, null);
            System.out.printf("best at loss increase <= %s nats:%n", epsilon);
            System.out.println("  codec    split     tau    Delta     ranks kept                      increase  bytes    naive/bytes");
            report("paper", paper, true, naive);
            report("integer", integerSame, false, naive);
            if (integer != integerSame) {
                report("integer", integer, false, naive);
            }
            System.out.println("  and, for comparison only (the paper codec's best stays on the paper's split):");
            report("paper", best(true, Split.BALANCED), true, naive);
            if (integer != null && integer.split() == Split.BALANCED) {
                perStreamSteps(integer);
            }
            if (paper != null && integer != null) {
                System.out.printf("  paper best / integer best = %.2f (on the paper's split: %.2f); at the paper's best point the integer"
                        + " codec takes %,d bytes (%.2fx smaller)%n", paper.paperBytes() / (double) integer.integerBytes(),
                        paper.paperBytes() / (double) integerSame.integerBytes(), paper.integerBytes(),
                        paper.paperBytes() / (double) paper.integerBytes());
            }
            // EngineBenchmark's three points, to read against its per-point costs
            for (double[] pt : new double[][] {{1.0, 0.01}, {0.9, 0.01}, {0.7, 0.05}}) {
                timing("tau " + pt[0] + ", Delta " + pt[1], Split.PAPER, grainer.key(pt[0], pt[1]));
            }
            if (paper != null) {
                timing("paper codec's best point", Split.PAPER, paper.key());
            }
            if (integer != null) {
                timing("integer codec's best point", integer.split(), integer.key());
                bytesOf(build(integer.split(), integer.key()), StepSizes.uniform(integer.delta()));
            }
        }

        void report(String codec, Point p, boolean paper, long naive) {
            if (p == null) {
                System.out.println("  " + codec + ": no point of the scan meets epsilon");
                return;
            }
            long bytes = paper ? p.paperBytes() : p.integerBytes();
            System.out.printf("  %-7s  %-8s  %.3f  %.5f  %-30s  %.4f    %,7d  %.1f%n", codec, p.split().name().toLowerCase(), p.tau(),
                    p.delta(), abbreviate(p.key().ranksKept()), p.increase(), bytes, naive / (double) bytes);
        }

        /**
         * The largest Delta (to 1%, by bisection of log Delta between 10^-3 and 1) whose loss increase is at most
         * epsilon, and a few Deltas just below it, sized (sizes fall as Delta grows, losses rise).
         */
        void scanDelta(Split split, double tau) {
            double lo = Math.log(1e-3);
            double hi = Math.log(1);
            if (increase(split, grainer.key(tau, Math.exp(lo))) > epsilon) {
                return;
            }
            while (hi - lo > 0.01) {
                double mid = (lo + hi) / 2;
                if (increase(split, grainer.key(tau, Math.exp(mid))) <= epsilon) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            for (double f : new double[] {1, 0.98, 0.96, 0.93, 0.9}) {
                measure(split, tau, Math.exp(lo) * f);
            }
        }

        double increase(Split split, CoarseKey key) {
            return increases.computeIfAbsent(new Model(split, key), m -> evaluator.evaluate(build(split, key)).meanLossNats() - baseLoss);
        }

        /** Sized by both codecs. */
        Point measure(Split split, double tau, double delta) {
            CoarseKey key = grainer.key(tau, delta);
            return points.computeIfAbsent(new Model(split, key), m -> {
                CoarseModel model = build(split, key);
                return new Point(split, tau, delta, key, increase(split, key), PaperCodec.compressedSize(model), IntegerCodec.size(model, delta));
            });
        }

        CoarseModel build(Split split, CoarseKey key) {
            if (split == Split.PAPER) {
                return grainer.build(key);
            }
            double[] steps = new double[streamCount(key)];
            Arrays.fill(steps, key.delta());
            return balanced(key, steps);
        }

        int streamCount(CoarseKey key) {
            int n = original.tensors().size();
            for (int m = 0; m < key.matrixCount(); m++) {
                n += key.rank(m) >= 0 ? 1 : 0;
            }
            return n;
        }

        /** The balanced split at {@code key}'s ranks, stream s quantized with steps[s] (0: not quantized). */
        CoarseModel balanced(CoarseKey key, double[] steps) {
            List<CoarseTensor> out = new ArrayList<>();
            int m = 0;
            int s = 0;
            for (CoarseTensor t : original.tensors()) {
                int k = t.dimensions() == 2 ? key.rank(m) : -1;
                if (k >= 0) {
                    MatrixSvd svd = grainer.svds().get(m);
                    int r = svd.fullRank();
                    double[] left = new double[svd.rows() * k];
                    double[] right = new double[k * svd.cols()];
                    for (int c = 0; c < k; c++) {
                        double root = Math.sqrt(svd.singularValues()[c]);
                        for (int i = 0; i < svd.rows(); i++) {
                            left[i * k + c] = svd.u()[i * r + c] * root;
                        }
                        for (int j = 0; j < svd.cols(); j++) {
                            right[c * svd.cols() + j] = svd.v()[j * r + c] * root;
                        }
                    }
                    out.add(CoarseTensor.factored(t.name(), svd.rows(), svd.cols(), k, Quantizer.quantize(left, steps[s]),
                            Quantizer.quantize(right, steps[s + 1])));
                    s += 2;
                } else {
                    out.add(CoarseTensor.dense(t.name(), t.shape(), Quantizer.quantize(t.values(), steps[s])));
                    s++;
                }
                if (t.dimensions() == 2) {
                    m++;
                }
            }
            return new CoarseModel(out);
        }

        static StepSizes stepSizes(CoarseModel model, double[] steps) {
            StepSizes out = StepSizes.uniform(0);
            int s = 0;
            for (CoarseTensor t : model.tensors()) {
                out = out.with(t.name(), steps[s], t.isFactored() ? steps[s + 1] : 0);
                s += t.isFactored() ? 2 : 1;
            }
            return out;
        }

        /**
         * A step per stream at the ranks of {@code at} (balanced split): each stream's loss increase when it alone is
         * quantized at Delta gives its sensitivity a_s; minimizing sum n_s log(1 / Delta_s) subject to
         * sum a_s Delta_s^2 <= const gives Delta_s proportional to sqrt(n_s / a_s) (n_s: the stream's values); then
         * the common scale is bisected for a loss increase <= epsilon. Prints the best size found; the heuristic is
         * the benchmark's, the format only makes it possible.
         */
        void perStreamSteps(Point at) {
            CoarseKey key = at.key();
            int count = streamCount(key);
            double d0 = at.delta();
            CoarseModel reference = build(Split.BALANCED, key);
            double[] weight = new double[count];
            double logSum = 0;
            long valueSum = 0;
            int s = 0;
            for (CoarseTensor t : reference.tensors()) {
                int parts = t.isFactored() ? 2 : 1;
                for (int p = 0; p < parts; p++) {
                    double[] steps = new double[count];
                    steps[s] = d0;
                    double increase = Math.max(1e-4, evaluator.evaluate(balanced(key, steps)).meanLossNats() - baseLoss);
                    long n = t.isFactored() ? (p == 0 ? t.left().length : t.right().length) : t.values().length;
                    weight[s] = Math.sqrt(Math.max(n, 1) * d0 * d0 / increase);
                    logSum += n * Math.log(weight[s]);
                    valueSum += n;
                    s++;
                }
            }
            double mean = Math.exp(logSum / Math.max(valueSum, 1));
            double lo = Math.log(d0 / 8);
            double hi = Math.log(d0 * 8);
            double[] steps = new double[count];
            while (hi - lo > 0.01) {
                double mid = (lo + hi) / 2;
                scaled(weight, mean, Math.exp(mid), d0, steps);
                if (evaluator.evaluate(balanced(key, steps)).meanLossNats() - baseLoss <= epsilon) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            long bestBytes = Long.MAX_VALUE;
            double[] bestSteps = null;
            double bestIncrease = 0;
            for (double f : new double[] {1, 0.98, 0.96, 0.93}) {
                scaled(weight, mean, Math.exp(lo) * f, d0, steps);
                CoarseModel model = balanced(key, steps);
                double increase = evaluator.evaluate(model).meanLossNats() - baseLoss;
                long bytes = IntegerCodec.size(model, stepSizes(model, steps));
                if (increase <= epsilon && bytes < bestBytes) {
                    bestBytes = bytes;
                    bestSteps = steps.clone();
                    bestIncrease = increase;
                }
            }
            if (bestSteps == null) {
                System.out.println("  per-stream steps at the integer codec's best ranks: no scale met epsilon");
                return;
            }
            double min = Arrays.stream(bestSteps).min().orElse(0);
            double max = Arrays.stream(bestSteps).max().orElse(0);
            CoarseModel model = balanced(key, bestSteps);
            System.out.printf("  integer  balanced, a step per stream (%.4f .. %.4f) at the same ranks: increase %.4f, %,d bytes (%.2fx below"
                    + " one Delta), naive/bytes %.1f%n", min, max, bestIncrease, bestBytes, at.integerBytes() / (double) bestBytes,
                    PaperCodec.compressedSize(original) / (double) bestBytes);
            if (!IntegerCodec.decode(IntegerCodec.encode(model, stepSizes(model, bestSteps))).equals(model)) {
                throw new IllegalStateException("per-stream steps: the message does not decode to the model");
            }
        }

        static void scaled(double[] weight, double mean, double scale, double d0, double[] out) {
            for (int s = 0; s < weight.length; s++) {
                // a stream the loss barely notices could take any step; 16 Delta already leaves it almost all zeros
                out[s] = Math.min(16 * d0, scale * weight[s] / mean);
            }
        }

        /** The smallest size of a codec meeting epsilon, over points of one split (null: any). */
        Point best(boolean paper, Split split) {
            Point best = null;
            for (Point p : points.values()) {
                if (p.increase() > epsilon || split != null && p.split() != split) {
                    continue;
                }
                long bytes = paper ? p.paperBytes() : p.integerBytes();
                long bestBytes = best == null ? Long.MAX_VALUE : paper ? best.paperBytes() : best.integerBytes();
                if (bytes < bestBytes || bytes == bestBytes && p.increase() < best.increase()) {
                    best = p;
                }
            }
            return best;
        }

        void timing(String what, Split split, CoarseKey key) {
            CoarseModel m = build(split, key);
            StepSizes steps = StepSizes.uniform(key.delta());
            for (Codec codec : new Codec[] {Codec.PAPER, Codec.INTEGER}) {
                byte[] message = codec.encode(m, steps);
                if (!codec.decode(message).equals(m) || codec.size(m, steps) != message.length) {
                    throw new IllegalStateException(codec.name() + " codec: the message does not decode to the model at " + key);
                }
                for (int w = 0; w < 3; w++) {
                    codec.decode(codec.encode(m, steps));
                }
                long[] encode = new long[repeats];
                long[] size = new long[repeats];
                long[] decode = new long[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = cpuNanos();
                    codec.encode(m, steps);
                    long t1 = cpuNanos();
                    codec.size(m, steps);
                    long t2 = cpuNanos();
                    codec.decode(message);
                    long t3 = cpuNanos();
                    encode[r] = t1 - t0;
                    size[r] = t2 - t1;
                    decode[r] = t3 - t2;
                }
                System.out.printf("  %-28s %-7s %,7d values  %,7d bytes  encode %6.2f ms  size %6.2f ms  decode %6.2f ms%n", what,
                        codec.name(), m.storedValues(), message.length, median(encode), median(size), median(decode));
            }
        }

        void bytesOf(CoarseModel m, StepSizes steps) {
            long[] sizes = IntegerCodec.sizes(m, steps);
            System.out.println("where the integer codec's bytes go, at its best point (order-0: the empirical entropy of the"
                    + " stream's indices, a bound for a static per-stream code without its table):");
            System.out.println("  stream                              values  distinct  order-0 B  coded B  bits/value");
            long values = 0;
            double entropy = 0;
            long coded = 0;
            int s = 1;
            for (CoarseTensor t : m.tensors()) {
                int parts = t.isFactored() ? 2 : 1;
                for (int part = 0; part < parts; part++) {
                    float[] v = t.isFactored() ? (part == 0 ? t.left() : t.right()) : t.values();
                    double step = steps.step(t, part);
                    Map<Long, Integer> counts = new HashMap<>();
                    for (float x : v) {
                        counts.merge(Math.round(Math.rint(x / step)), 1, Integer::sum);
                    }
                    double h = 0;
                    for (int c : counts.values()) {
                        h -= c * Math.log((double) c / v.length) / Math.log(2);
                    }
                    String name = t.name() + (t.isFactored() ? (part == 0 ? " L" : " R") + t.rank() : "");
                    System.out.printf("  %-34s %,7d  %8d  %9.0f  %7d  %.2f%n", abbreviate(name), v.length, counts.size(), h / 8, sizes[s],
                            v.length == 0 ? 0 : 8.0 * sizes[s] / v.length);
                    values += v.length;
                    entropy += h / 8;
                    coded += sizes[s];
                    s++;
                }
            }
            System.out.printf("  %-34s %,7d  %8s  %9.0f  %7d  %.2f%n", "all streams", values, "", entropy, coded, 8.0 * coded / values);
            System.out.printf("  header: %d bytes; message: %,d bytes%n", sizes[0], sizes[0] + coded);
        }
    }

    private static String fmt(double x) {
        return String.format("%.5f", x);
    }

    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** The 1, 5 and 15 minute load averages (Linux): other work shares the cores. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 34 ? s : s.substring(0, 31) + "...";
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}

package occam.analysis.engine.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.engine.CheckpointAnalysis;
import occam.analysis.engine.CheckpointAnalyzer;
import occam.analysis.engine.ComplexityRow;
import occam.analysis.engine.RunContext;
import occam.analysis.engine.codec.PaperCodec;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.coarse.CoarseKey;
import occam.analysis.engine.loss.LossEvaluator;
import occam.analysis.engine.model.CoarseModel;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;

/**
 * Measures the engine on the paper's models (p = 113; 1 layer on the add split, 0.2 of 12,769 examples; 2 layers
 * on the sub split, 0.3), with <em>structured synthetic</em> weights: each matrix a rank-r product plus noise
 * (r = a quarter of its smaller side), LeCun-normal scale, i.e. compressible the way a trained model is, not a
 * trained model. The split's labels are the model's own arg-max predictions (a "teacher" split), so the
 * checkpoint fits its data (accuracy 1, small loss) and coarse-graining raises the loss, as with a trained model
 * that has memorized its training set. Prints the cost of one search point split into coarse-graining, loss and bzip2 (median of
 * repeated runs at three points), then one checkpoint's full search with the default settings.
 *
 * <p>Or, with {@code --archive <root> --run <id> [--step <n>]}, the same on a real checkpoint of an archive (the
 * last one by default) and its run's training split.
 *
 * <p>Usage: {@code EngineBenchmark [layers...] [--threads N] [--repeats R] [--archive ROOT --run ID [--step N]]
 * [--levels L] [--seed S] [--searches N]};
 * default {@code 1 2 --threads 1 --repeats 7 --searches 1}. With {@code --searches N} the full search runs N times in
 * one JVM and each run's CPU time is printed: the first pays for compiling the search's code, the later ones cost
 * what an executor thread pays for each later checkpoint of a run. Run with {@code --add-modules
 * jdk.incubator.vector} for the Vector API kernel (the benchmark prints which kernel ran).
 */
public final class EngineBenchmark {

    /** Scales the output layer so predictions are confident (and fragile, as a memorizing model's are). */
    static final float OUTPUT_SCALE = Float.parseFloat(System.getProperty("occam.bench.outputScale", "20"));

    /** Full-rank noise added to each low-rank matrix, relative to the LeCun scale 1/sqrt(fan_in). */
    static final double NOISE = Double.parseDouble(System.getProperty("occam.bench.noise", "1.0"));

    /** The search's levels for the full search ({@code --levels}); 0: the default. */
    private static int levels;
    /** The search's seed for the full search ({@code --seed}); null: the default. */
    private static Long seed;
    /** How many times the full search runs ({@code --searches}). */
    private static int searches = 1;

    private EngineBenchmark() {}

    public static void main(String[] args) {
        List<Integer> layers = new ArrayList<>();
        int threads = 1;
        int repeats = 7;
        String archive = null;
        String runId = null;
        Integer step = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            try {
                switch (flag) {
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                    case "--archive" -> archive = args[++i];
                    case "--run" -> runId = args[++i];
                    case "--step" -> step = Integer.parseInt(args[++i]);
                    case "--levels" -> levels = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--searches" -> searches = Integer.parseInt(args[++i]);
                    default -> layers.add(Integer.parseInt(flag));
                }
            } catch (ArrayIndexOutOfBoundsException e) {
                usage(flag + " needs a value");
            } catch (NumberFormatException e) {
                usage(flag.startsWith("--") ? flag + " needs an integer, got '" + args[i] + "'" : "not a flag or a layer count: '" + flag + "'");
            }
        }
        if (searches < 1) {
            usage("--searches needs a count of at least 1, got " + searches);
        }
        System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " processors visible, engine threads " + threads + ", matrix kernel: " + LossEvaluator.kernel()
                + ", load average " + loadAverage());
        if (archive != null) {
            Archive a = new Archive(java.nio.file.Path.of(archive));
            RunInfo run = a.readRun(runId);
            List<Integer> steps = a.checkpointSteps(runId);
            int s = step != null ? step : steps.get(steps.size() - 1);
            List<Example> train = a.readExamples(runId).stream().filter(Example::train).toList();
            run("run " + runId + " step " + s + " (trained, " + run.regime() + ")", run.model(), run.p(), a.readCheckpoint(runId, s),
                    train, threads, repeats);
            return;
        }
        if (layers.isEmpty()) {
            layers = List.of(1, 2);
        }
        for (int l : layers) {
            int p = 113;
            ModelSpec spec = ModelSpec.paper(p, l);
            Checkpoint checkpoint = structured(spec, 11);
            List<Example> train = teacherLabels(spec, checkpoint, split(p, l == 1 ? 0.2 : 0.3, 7));
            run(l + " layer(s), structured synthetic weights, teacher labels", spec, p, checkpoint, train, threads, repeats);
        }
    }

    private static void run(String what, ModelSpec spec, int p, Checkpoint checkpoint, List<Example> train, int threads, int repeats) {
        System.out.printf("%n== %s: %,d parameters, %,d training examples%n", what, spec.parameterCount(), train.size());

        LossEvaluator evaluator = LossEvaluator.prepare(spec, train);
        CoarseModel original = CoarseModel.of(spec, checkpoint);
        long s0 = System.nanoTime();
        CoarseGrainer grainer = CoarseGrainer.of(spec, original);
        System.out.printf("SVD of %d matrices: %.0f ms%n", spec.matrices().size(), (System.nanoTime() - s0) / 1e6);
        System.out.printf("naive bzip2: %,d bytes of %,d raw%n", PaperCodec.compressedSize(original), 4 * spec.parameterCount());
        double[][] points = {{1.0, 0.01}, {0.9, 0.01}, {0.7, 0.05}};
        System.out.println("per search point, median of " + repeats + " after warm-up, thread CPU time (wall time):");
        System.out.println("  tau   Delta  ranks kept                          coarse-graining     loss                bzip2                bytes");
        for (double[] pt : points) {
            CoarseKey key = grainer.key(pt[0], pt[1]);
            for (int w = 0; w < 3; w++) {
                evaluator.evaluate(grainer.build(key));
            }
            long[][] cpu = new long[3][repeats];
            long[][] wall = new long[3][repeats];
            long bytes = 0;
            for (int r = 0; r < repeats; r++) {
                long c0 = cpuNanos();
                long w0 = System.nanoTime();
                CoarseModel m = grainer.build(key);
                long c1 = cpuNanos();
                long w1 = System.nanoTime();
                evaluator.evaluate(m);
                long c2 = cpuNanos();
                long w2 = System.nanoTime();
                bytes = PaperCodec.compressedSize(m);
                long c3 = cpuNanos();
                long w3 = System.nanoTime();
                cpu[0][r] = c1 - c0;
                cpu[1][r] = c2 - c1;
                cpu[2][r] = c3 - c2;
                wall[0][r] = w1 - w0;
                wall[1][r] = w2 - w1;
                wall[2][r] = w3 - w2;
            }
            System.out.printf("  %.2f  %.3f  %-35s %6.1f (%6.1f) ms  %6.1f (%6.1f) ms  %6.1f (%6.1f) ms  %,d%n", pt[0], pt[1],
                    abbreviate(key.ranksKept()), median(cpu[0]), median(wall[0]), median(cpu[1]), median(wall[1]), median(cpu[2]),
                    median(wall[2]), bytes);
        }

        AnalysisSettings settings = levels > 0 ? AnalysisSettings.defaults().withLevels(levels) : AnalysisSettings.defaults();
        settings = seed == null ? settings : settings.withSeed(seed);
        System.out.println("full search, " + (levels > 0 ? levels + " levels, " : "") + (seed == null ? "" : "seed " + seed + ", ")
                + (levels > 0 || seed != null ? "otherwise " : "") + "default settings (" + settings.canonicalString() + "):");
        CheckpointAnalysis a = null;
        long cpu = 0;
        for (int n = 1; n <= searches; n++) {
            long c0 = cpuNanos();
            a = CheckpointAnalyzer.analyze(new RunContext(checkpoint.runId(), spec, p, train), checkpoint, settings, threads);
            cpu = cpuNanos() - c0;
            if (searches > 1 && threads == 1) {
                System.out.printf("  search %d of %d: thread CPU time %.2f s (wall %.2f s)%n", n, searches, cpu / 1e9,
                        a.stats().wallNanos() / 1e9);
            }
        }
        System.out.println("  " + a.stats());
        Map<String, int[]> byPhase = new java.util.TreeMap<>(); // "phase level" -> models, compressed
        for (occam.analysis.engine.EvaluationRow e : a.evaluations()) {
            int[] n = byPhase.computeIfAbsent(e.phase() + " " + e.level(), k -> new int[2]);
            n[0]++;
            n[1] += e.compressedBytes() == null ? 0 : 1;
        }
        StringBuilder phases = new StringBuilder("  models (compressed) by phase and level:");
        byPhase.forEach((k, n) -> phases.append(' ').append(k).append(' ').append(n[0]).append(" (").append(n[1]).append(')'));
        System.out.println(phases);
        if (threads == 1) {
            System.out.printf("  thread CPU time of the whole analysis%s: %.2f s (wall %.2f s)%n", searches > 1 ? " (the last search)" : "",
                    cpu / 1e9, a.stats().wallNanos() / 1e9);
        }
        System.out.printf("  checkpoint: loss %.4f nats, accuracy %.3f, naive %,d bytes%n", a.baseline().lossNats(),
                a.baseline().trainAccuracy(), a.baseline().naiveBzip2Bytes());
        System.out.println("  load average after: " + loadAverage());
        System.out.println("  epsilon  codec    source  tau     Delta    bytes     loss increase  points  level  split");
        for (ComplexityRow r : a.complexity()) {
            System.out.printf("  %-7s  %-7s  %-6s  %.3f  %.5f  %,8d  %.4f         %-6d  %-5s  %s%n", r.epsilon(), r.codec(), r.source(),
                    r.tau(), r.delta(), r.compressedBytes(), r.lossIncreaseNats(), r.pointsEvaluated(), r.bestLevel(), r.factorSplit());
        }
    }

    /** Bad usage: one line, exit status 2, before any work. */
    private static void usage(String problem) {
        System.err.println("benchmark engine: " + problem + " (exit status 2)");
        System.exit(2);
    }

    /** The same examples labelled by the model's own prediction. */
    static List<Example> teacherLabels(ModelSpec spec, Checkpoint checkpoint, List<Example> examples) {
        int[] labels = LossEvaluator.prepare(spec, examples).predictions(CoarseModel.of(spec, checkpoint));
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            out.add(new Example(e.exampleId(), e.a(), e.b(), labels[i], e.tokens(), true));
        }
        return out;
    }

    /** CPU time of this thread: less sensitive than wall time to the other work on the shared cores. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** The 1, 5 and 15 minute load averages (Linux), to read timings against: other work shares the cores. */
    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 35 ? s : s.substring(0, 32) + "...";
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    /** a + b mod p as [a, p, b, p + 1]; a seeded shuffle's first fraction is train. */
    static List<Example> split(int p, double fraction, long seed) {
        List<Example> all = new ArrayList<>();
        int id = 0;
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                all.add(new Example(id++, a, b, (a + b) % p, new int[] {a, p, b, p + 1}, true));
            }
        }
        Collections.shuffle(all, new Random(seed));
        return new ArrayList<>(all.subList(0, (int) Math.round(fraction * all.size())));
    }

    /** Each matrix a rank-(min/4) product plus noise at LeCun scale; gains near 1, biases small. */
    static Checkpoint structured(ModelSpec spec, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec ts : spec.tensors()) {
            int[] shape = ts.shape();
            float[] v = new float[(int) ts.elementCount()];
            if (ts.isMatrix()) {
                int m = shape[0];
                int n = shape[1];
                int r = Math.max(1, Math.min(m, n) / 4);
                float[] a = new float[m * r];
                float[] b = new float[r * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) random.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) random.nextGaussian();
                }
                double s = 1.0 / Math.sqrt((double) m * r);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double x = 0;
                        for (int k = 0; k < r; k++) {
                            x += a[i * r + k] * b[k * n + j];
                        }
                        v[i * n + j] = (float) (s * x + NOISE / Math.sqrt(m) * random.nextGaussian());
                    }
                }
                if (ts.name().equals("output.weight")) {
                    // confident predictions: the teacher labels are fitted with a small loss
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= OUTPUT_SCALE;
                    }
                }
            } else if (ts.name().endsWith(".gain")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (1 + 0.1 * random.nextGaussian());
                }
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.02 * random.nextGaussian());
                }
            }
            tensors.put(ts.name(), new Tensor(shape, v));
        }
        return new Checkpoint("bench", 1000, 5000, tensors);
    }
}

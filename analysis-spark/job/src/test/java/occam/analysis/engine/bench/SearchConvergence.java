package occam.analysis.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.engine.CheckpointAnalysis;
import occam.analysis.engine.CheckpointAnalyzer;
import occam.analysis.engine.ComplexityRow;
import occam.analysis.engine.RunContext;
import occam.schemas.Archive;
import occam.schemas.Example;

/**
 * Measures how settled the default search's answer is on real checkpoints of an archive, one thread each: for
 * every (checkpoint, epsilon, codec) the best size of the default search (x1, or the flags' search), of at least
 * twice its budget (x2: the fewest more levels, up to three, that measure at least twice x1's models; each first does
 * all x1 does), of another search seed (seed 1), and, with {@code --compare-v1}, of engine version 1's default search
 * as recorded in {@code convergence/engine-v1-default-bests.tsv} (test resources) where that file has the checkpoint.
 * That file holds the bests of the lead's archive's {@code add-ours-s0} (keyed by run and step): on another archive's
 * run of the same name (every demo trains one) the v1 columns would compare different checkpoints, so they are off
 * unless asked for. Prints the table, the targets' verdicts and the thread CPU time and models of each x1 and x2
 * search.
 *
 * <p>Usage: {@code SearchConvergence --archive ROOT [--grid-taus N] [--bisection-steps N] [--search-levels N]
 * [--refine-steps N] [--compare-v1] RUN:STEP,STEP... [RUN:STEP...]} (the search flags replace the default
 * search's); {@code --print-bests} instead prints the default search's bests as TSV (run, step, epsilon, bytes,
 * source): how the v1 file was recorded, with this class compiled against the engine of commit 3b7c170.
 */
public final class SearchConvergence {

    private SearchConvergence() {}

    /** Bad usage: one line naming the argument and what is expected, exit status 2, before any work. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws IOException {
        try {
            run(args);
        } catch (Usage e) {
            System.err.println("convergence: " + e.getMessage() + " (usage: --archive ROOT [--grid-taus N] [--bisection-steps N]"
                    + " [--search-levels N] [--refine-steps N] [--print-bests] [--compare-v1] RUN:STEP,STEP...)");
            System.exit(2);
        }
    }

    private static Usage usage(String message) {
        return new Usage(message);
    }

    private static int positive(String what, String value) {
        int n = nonNegative(what, value);
        if (n < 1) {
            throw usage(what + " " + value + ": expected an integer >= 1");
        }
        return n;
    }

    private static int nonNegative(String what, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the line below says what is expected
        }
        throw usage(what + " " + value + ": expected an integer >= 0");
    }

    static void run(String[] args) throws IOException {
        String archive = null;
        boolean printBests = false;
        boolean compareV1 = false;
        List<String> targets = new ArrayList<>();
        AnalysisSettings d = AnalysisSettings.defaults();
        int gridTaus = d.gridTaus();
        int bisectionSteps = d.bisectionSteps();
        int levels = d.levels();
        int refinementSteps = d.refinementSteps();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && !arg.equals("--print-bests") && !arg.equals("--compare-v1") && i + 1 >= args.length) {
                throw usage(arg + ": expected a value after it");
            }
            switch (arg) {
                case "--archive" -> archive = args[++i];
                case "--print-bests" -> printBests = true;
                case "--compare-v1" -> compareV1 = true;
                case "--grid-taus" -> gridTaus = positive(arg, args[++i]);
                case "--bisection-steps" -> bisectionSteps = positive(arg, args[++i]);
                case "--search-levels" -> levels = positive(arg, args[++i]);
                case "--refine-steps" -> refinementSteps = nonNegative(arg, args[++i]);
                default -> {
                    if (arg.startsWith("--")) {
                        throw usage(arg + ": unknown flag");
                    }
                    targets.add(arg);
                }
            }
        }
        if (archive == null || targets.isEmpty()) {
            throw usage("expected --archive ROOT and at least one RUN:STEP,STEP...");
        }
        if (!java.nio.file.Files.isDirectory(Path.of(archive))) {
            throw usage("--archive " + archive + ": no such directory");
        }
        Map<String, List<Integer>> checkpoints = new java.util.LinkedHashMap<>();
        for (String target : targets) {
            String[] f = target.split(":");
            if (f.length != 2 || f[0].isEmpty()) {
                throw usage(target + ": expected RUN:STEP,STEP...");
            }
            List<Integer> steps = checkpoints.computeIfAbsent(f[0], r -> new ArrayList<>());
            for (String step : f[1].split(",")) {
                if (!step.matches("[0-9]{1,9}")) {
                    throw usage(target + ": step " + step + " is not an integer >= 0");
                }
                steps.add(Integer.parseInt(step));
            }
        }
        Archive a = new Archive(Path.of(archive));
        List<String> runs = a.runIds();
        for (Map.Entry<String, List<Integer>> target : checkpoints.entrySet()) {
            if (!runs.contains(target.getKey())) {
                throw usage(target.getKey() + ": no such run in " + archive + " (runs: " + String.join(", ", runs) + ")");
            }
            List<Integer> saved = a.checkpointSteps(target.getKey());
            for (int step : target.getValue()) {
                if (!saved.contains(step)) {
                    throw usage(target.getKey() + ":" + step + ": no such checkpoint (steps: " + saved + ")");
                }
            }
        }
        AnalysisSettings x1;
        try {
            x1 = d.withSearch(gridTaus, bisectionSteps, levels, refinementSteps);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        AnalysisSettings seedB = x1.withSeed(x1.seed() + 1);
        Map<String, Long> v1 = compareV1 && !printBests ? v1Bests() : Map.of();
        if (!printBests) {
            System.out.println("default: " + x1.canonicalString());
            System.out.println("x2: the fewest more levels (up to 3) that measure at least twice x1's models; seed B: seed " + seedB.seed()
                    + "; load average " + loadAverage());
            System.out.println("run          step  codec    epsilon      v1 B      x1 B   x1/v1  half-budget B  level      x2 B   x2/x1  seed-B B  B/x1");
        }
        Map<String, Double> worstX2 = new java.util.TreeMap<>();
        Map<String, Double> worstSeed = new java.util.TreeMap<>();
        double worstV1 = Double.NEGATIVE_INFINITY;
        Map<String, Boolean> x2Larger = new java.util.TreeMap<>();
        int naive = 0;
        List<String> costs = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> target : checkpoints.entrySet()) {
            String runId = target.getKey();
            List<Example> train = a.readExamples(runId).stream().filter(Example::train).toList();
            RunContext run = RunContext.of(a.readRun(runId), train);
            for (int step : target.getValue()) {
                var checkpoint = a.readCheckpoint(runId, step);
                long c0 = cpuNanos();
                CheckpointAnalysis one = CheckpointAnalyzer.analyze(run, checkpoint, x1, 1);
                long cpu = cpuNanos() - c0;
                if (printBests) {
                    for (ComplexityRow r : one.complexity()) {
                        if (!r.codec().equals(occam.analysis.engine.codec.PaperCodec.NAME)) {
                            continue; // the v1 file holds the paper codec's bests
                        }
                        System.out.println(runId + "\t" + step + "\t" + r.epsilon() + "\t" + r.compressedBytes() + "\t" + r.source());
                    }
                    continue;
                }
                // twice the budget: one more level first does all x1 does, but a level spent near the bests can cost
                // less than x1 did, so levels are added until x2 has measured at least twice x1's models
                CheckpointAnalysis two = null;
                AnalysisSettings x2 = x1;
                long cpu2 = 0;
                for (int more = 1; more <= 3 && (two == null || two.stats().models() < 2 * one.stats().models()); more++) {
                    x2 = x1.withLevels(x1.levels() + more);
                    long c2 = cpuNanos();
                    two = CheckpointAnalyzer.analyze(run, checkpoint, x2, 1);
                    cpu2 = cpuNanos() - c2;
                }
                costs.add(String.format("%s@%d (%d layer(s)): %.2f s CPU, %d models, %d compressed; x2 (%d levels): %.2f s CPU, %d models",
                        runId, step, run.spec().numLayers(), cpu / 1e9, one.stats().models(), one.stats().compressed(), x2.levels(),
                        cpu2 / 1e9, two.stats().models()));
                CheckpointAnalysis other = CheckpointAnalyzer.analyze(run, checkpoint, seedB, 1);
                for (int e = 0; e < one.complexity().size(); e++) {
                    ComplexityRow r1 = one.complexity().get(e);
                    ComplexityRow r2 = two.complexity().get(e);
                    ComplexityRow rb = other.complexity().get(e);
                    if (!r1.source().equals(ComplexityRow.SOURCE_SEARCH) && r1.codec().equals(occam.analysis.engine.codec.PaperCodec.NAME)) {
                        naive++;
                    }
                    if (x2.levels() == x1.levels() + 1 && (r2.halfBudgetBytes() == null || r2.halfBudgetBytes() != r1.compressedBytes())) {
                        throw new IllegalStateException(runId + "@" + step + " epsilon " + r1.epsilon() + ": x2's half-budget best "
                                + r2.halfBudgetBytes() + " is not x1's best " + r1.compressedBytes() + ": the budgets are not nested");
                    }
                    String codec = r1.codec();
                    Long old = codec.equals(occam.analysis.engine.codec.PaperCodec.NAME) ? v1.get(runId + "\t" + step + "\t" + r1.epsilon()) : null;
                    double ratioX2 = (double) r2.compressedBytes() / r1.compressedBytes();
                    double ratioB = (double) rb.compressedBytes() / r1.compressedBytes();
                    worstX2.merge(codec, Math.abs(ratioX2 - 1), Math::max);
                    worstSeed.merge(codec, Math.abs(ratioB - 1), Math::max);
                    x2Larger.merge(codec, r2.compressedBytes() > r1.compressedBytes(), Boolean::logicalOr);
                    if (old != null) {
                        worstV1 = Math.max(worstV1, (double) r1.compressedBytes() / old - 1);
                    }
                    System.out.printf("%-12s %5d  %-7s  %-7s %9s %9d  %6s  %13s  %5s %9d  %6.3f %9d  %5.3f%n", runId, step, codec, r1.epsilon(),
                            old == null ? "-" : old, r1.compressedBytes(), old == null ? "-" : String.format("%.3f", (double) r1.compressedBytes() / old),
                            r1.halfBudgetBytes() == null ? "-" : r1.halfBudgetBytes(), r1.bestLevel() == null ? "-" : r1.bestLevel(),
                            r2.compressedBytes(), ratioX2, rb.compressedBytes(), ratioB);
                }
            }
        }
        if (printBests) {
            return;
        }
        for (String codec : worstX2.keySet()) {
            System.out.printf("%s codec: converged: x2 changes a best by at most %.1f %% (target 5 %%), x2 larger than x1 anywhere: %s"
                    + " (target no); seed B changes a best by at most %.1f %% (target 5 %%)%n", codec, 100 * worstX2.get(codec),
                    x2Larger.get(codec), 100 * worstSeed.get(codec));
        }
        System.out.println(!compareV1 ? "no regression: not compared (engine v1's bests are recorded for the lead's archive's"
                + " checkpoints only; --compare-v1 compares them when ARCHIVE is that archive)"
                : worstV1 == Double.NEGATIVE_INFINITY ? "no regression: no v1 bests recorded for these checkpoints"
                : String.format("no regression: the worst x1 best is %+.1f %% against v1's default (target <= +1 %%)", 100 * worstV1));
        System.out.println("epsilons no model met (naive stands in): " + naive);
        System.out.println("cost of the default search, one thread:");
        costs.forEach(c -> System.out.println("  " + c));
        System.out.println("load average after: " + loadAverage());
    }

    private static Map<String, Long> v1Bests() throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (var in = SearchConvergence.class.getResourceAsStream("/convergence/engine-v1-default-bests.tsv")) {
            if (in == null) {
                throw new IOException("test resource convergence/engine-v1-default-bests.tsv is missing");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                out.put(f[0] + "\t" + f[1] + "\t" + Double.parseDouble(f[2]), Long.parseLong(f[3]));
            }
        }
        return out;
    }

    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}

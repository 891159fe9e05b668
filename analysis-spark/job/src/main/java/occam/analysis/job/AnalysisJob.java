package occam.analysis.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.job.EngineAdapter.Engine;
import occam.analysis.job.EngineAdapter.RunData;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.analysis.job.InputScan.RunInput;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job as named steps: scan the archives for pending checkpoints, read their rows once, check them, search
 * them, and verify and write the results in waves while the search runs. One job per output root at a time
 * ({@link OutputLock}).
 */
final class AnalysisJob {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisJob.class);

    /** Where to read, where to write, and how. */
    record Config(List<String> inputs, String output, List<String> runPatterns, boolean force, boolean retryQuarantined,
            int engineThreads, AnalysisSettings settings, Waves.Policy waves) {

        Config(List<String> inputs, String output, List<String> runPatterns, boolean force, boolean retryQuarantined,
                int engineThreads, AnalysisSettings settings) {
            this(inputs, output, runPatterns, force, retryQuarantined, engineThreads, settings, Waves.Policy.DEFAULT);
        }
    }

    /** The pending work, per run; {@code pending} in scan order. */
    record Work(InputScan.Result scan, List<CheckpointFile> pending, Set<String> analysed, Set<String> quarantined) {

        /** Per run: checkpoints pending, already analysed, quarantined under these settings. */
        Map<String, int[]> perRun() {
            Map<String, int[]> out = new LinkedHashMap<>();
            Set<CheckpointFile> todo = new java.util.HashSet<>(pending);
            for (CheckpointFile c : scan.checkpoints()) {
                int[] n = out.computeIfAbsent(c.runId(), k -> new int[3]);
                if (todo.contains(c)) {
                    n[0]++;
                } else if (analysed.contains(c.key())) {
                    n[1]++;
                } else {
                    n[2]++;
                }
            }
            return out;
        }
    }

    /** What a run of the job did; timings here, never in the tables. */
    record Summary(int checkpointsFound, int alreadyDone, int analysed, int quarantined, List<String> duplicateRuns,
            double wallSeconds, double engineSeconds, String slowestCheckpoint, double slowestSeconds,
            Map<String, Double> phaseSeconds, List<Waves.Wave> waves) {

        boolean noWork() {
            return analysed + quarantined == 0;
        }

        String describe() {
            return String.format("occam analyze: %d checkpoint(s) found, %d already analysed (skipped), %d analysed, "
                    + "%d quarantined%s; wall %.1f s, engine %.1f s in tasks%s%s", checkpointsFound,
                    alreadyDone, analysed, quarantined, waves.isEmpty() ? "" : ", committed in " + waves.size()
                    + " wave(s) of " + waves.stream().map(w -> String.valueOf(w.analysed() + w.quarantined()))
                            .collect(java.util.stream.Collectors.joining(", ")) + " checkpoint(s)",
                    wallSeconds, engineSeconds,
                    slowestCheckpoint == null ? "" : String.format(", slowest %s (%.1f s)", slowestCheckpoint, slowestSeconds),
                    duplicateRuns.isEmpty() ? "" : "; duplicate run ids ignored: " + duplicateRuns);
        }
    }

    private AnalysisJob() {}

    /** Whether an analysis in this JVM was interrupted (Ctrl-C, SIGTERM), so that its failure is not a fault. */
    static boolean interrupted() {
        return Interruption.happened;
    }

    static Summary run(SparkSession spark, Config config) {
        return run(spark, config, EngineAdapter.ENGINE);
    }

    static Summary run(SparkSession spark, Config config, Engine engine) {
        long start = System.nanoTime();
        OutputStore store = new OutputStore(spark, config.output());
        try (OutputLock lock = OutputLock.acquire(store.fileSystem(), store.root(), h -> LOG.warn(
                "another analysis is writing {} ({}): waiting for it to finish", config.output(), h.describe()))) {
            Interruption interruption = new Interruption(spark, lock);
            try {
                store.recoverInterruptedSwaps();
                return run(spark, config, engine, store, start, interruption);
            } finally {
                interruption.remove();
            }
        }
    }

    /**
     * What an interrupted job (Ctrl-C, SIGTERM: the JVM's shutdown, not a kill -9) still does before Spark stops: it
     * cancels the search, commits the checkpoints already finished (a wave) and releases the lock, so the rerun
     * redoes nothing that was done. Runs as a Hadoop shutdown hook ahead of Spark's: Spark runs all its own hooks
     * (the SparkContext's among them) inside one Hadoop hook, which Hadoop gives up after its default 30 s, so a
     * commit run there was cut off (measured: an interrupted wave of 5 checkpoints lost at 30 s).
     */
    static final class Interruption {
        // Hadoop runs hooks of higher priority first; Spark registers its hook (every Spark shutdown hook) at
        // FileSystem's priority + 30
        static final int BEFORE_SPARK_STOPS = org.apache.hadoop.fs.FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;
        /** A commit that has not ended by then is given up (the rerun does its checkpoints): the JVM must exit. */
        static final long COMMIT_WAIT_MILLIS = 120_000;
        /** How long Hadoop lets the hook run: the commit's wait, then releasing the lock. */
        static final long HOOK_TIMEOUT_MILLIS = COMMIT_WAIT_MILLIS + 30_000;
        /** The JVM is shutting down and an analysis's hook ran: its search fails from then on by design. */
        private static volatile boolean happened;
        private final SparkSession spark;
        private final OutputLock lock;
        private final Runnable hook = this::interrupted;
        private volatile Waves waves;

        Interruption(SparkSession spark, OutputLock lock) {
            this.spark = spark;
            this.lock = lock;
            ShutdownHookManager.get().addShutdownHook(hook, BEFORE_SPARK_STOPS, HOOK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }

        /** What Hadoop's shutdown runs (for the test that it is registered there). */
        Runnable hook() {
            return hook;
        }

        void watch(Waves w) {
            this.waves = w;
        }

        private void interrupted() {
            happened = true;
            Waves w = waves;
            LOG.warn("interrupted: cancelling the search{}", w == null ? "" : " and committing the finished checkpoints");
            Thread commit = new Thread(() -> {
                try {
                    SearchStage.cancelAll(spark.sparkContext());
                    if (w != null) {
                        w.finish();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("interrupted: the finished checkpoints could not be committed: {}", e.getMessage());
                }
            }, "occam-interrupted-commit");
            commit.setDaemon(true);
            commit.start();
            try {
                commit.join(COMMIT_WAIT_MILLIS);
                if (commit.isAlive()) {
                    LOG.warn("interrupted: the commit did not end within {} s; its checkpoints stay pending", COMMIT_WAIT_MILLIS / 1000);
                } else if (w != null) {
                    LOG.warn("interrupted: {} checkpoint(s) committed in all; the same command analyses the rest",
                            w.committed().stream().mapToInt(x -> x.analysed() + x.quarantined()).sum());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.close();
            }
        }

        void remove() {
            try {
                ShutdownHookManager.get().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or has run
            }
        }
    }

    /** The scan step: every checkpoint of the selected runs, and which of them have no rows for these settings. */
    static Work scan(SparkSession spark, Config config, OutputStore store) {
        InputScan.Result scan = InputScan.scan(spark, config.inputs(), InputScan.runFilter(config.runPatterns()));
        String hash = config.settings().hash();
        Set<String> analysed = config.force() ? Set.of() : store.analysed(hash);
        Set<String> quarantined = config.force() || config.retryQuarantined() ? Set.of() : store.quarantined(hash);
        List<CheckpointFile> pending = scan.checkpoints().stream().filter(c -> !analysed.contains(c.key())
                && !quarantined.contains(c.key()) && !quarantined.contains(c.runId() + "@*")).toList();
        return new Work(scan, pending, analysed, quarantined);
    }

    private static Summary run(SparkSession spark, Config config, Engine engine, OutputStore store, long start,
            Interruption interruption) {
        AnalysisSettings settings = config.settings();
        Map<String, Double> phases = new LinkedHashMap<>();

        long phase = System.nanoTime();
        Work work = scan(spark, config, store);
        List<CheckpointFile> pending = work.pending();
        int found = work.scan().checkpoints().size();
        phases.put("scan", seconds(phase));
        if (pending.isEmpty()) {
            LOG.info("no work: all {} checkpoint(s) already have rows for settings {} in {}", found, settings.hash(),
                    config.output());
            return new Summary(found, found, 0, 0, work.scan().duplicateRuns(), seconds(start), 0, null, 0, phases, List.of());
        }
        Set<String> pendingRuns = new LinkedHashSet<>();
        pending.forEach(c -> pendingRuns.add(c.runId()));
        List<RunInput> runs = work.scan().runs().stream().filter(r -> pendingRuns.contains(r.runId())).toList();
        LOG.info("{} checkpoint(s) of {} run(s) to analyse with settings {} ({} already done)", pending.size(),
                runs.size(), settings.hash(), found - pending.size());

        phase = System.nanoTime();
        try (CheckpointData data = CheckpointData.read(spark, runs, pending)) {
            InputChecks.Outcome checked = InputChecks.run(spark, runs, pending, data);
            phases.put("read+check", seconds(phase));
            LOG.info(String.format("checks: %d checkpoint(s) pass, %d rejection(s) (%.1f s)", checked.passing().size(),
                    checked.rejections().size(), phases.get("read+check")));

            phase = System.nanoTime();
            Waves waves = new Waves(spark, store, settings.hash(), settings.epsilons(), config.waves(), pendingRuns);
            interruption.watch(waves);
            waves.addRejections(checked.rejections(), pending);
            List<SearchStage.TaskResult> results = new ArrayList<>();
            try {
                SearchStage.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), data, checked.passing(),
                        runData(runs, data), settings, config.engineThreads(), engine,
                        r -> {
                            results.add(r);
                            waves.add(r);
                        },
                        waves::tick);
            } catch (RuntimeException e) {
                keepFinishedWork(waves, e);
                throw e;
            }
            phases.put("search", seconds(phase));
            phase = System.nanoTime();
            waves.finish();
            phases.put("last write", seconds(phase));

            int analysed = waves.committed().stream().mapToInt(Waves.Wave::analysed).sum();
            int quarantined = waves.committed().stream().mapToInt(Waves.Wave::quarantined).sum();
            SearchStage.TaskResult slowest = results.stream()
                    .max(Comparator.comparingDouble(SearchStage.TaskResult::engineSeconds)).orElse(null);
            return new Summary(found, found - pending.size(), analysed, quarantined, work.scan().duplicateRuns(),
                    seconds(start), results.stream().mapToDouble(SearchStage.TaskResult::engineSeconds).sum(),
                    slowest == null ? null : slowest.key(), slowest == null ? 0 : slowest.engineSeconds(), phases,
                    waves.committed());
        }
    }

    /** The search failed: what it finished is still committed, so the rerun does not redo it. */
    private static void keepFinishedWork(Waves waves, RuntimeException failure) {
        try {
            waves.finish();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static Map<String, RunData> runData(List<RunInput> runs, CheckpointData data) {
        Map<String, RunData> out = new HashMap<>();
        for (RunInput r : runs) {
            if (r.spec() != null) {
                out.put(r.runId(), new RunData(r.runId(), r.spec(), r.p(), data.trainSplits().getOrDefault(r.runId(), List.of()),
                        data.testSplits().getOrDefault(r.runId(), List.of())));
            }
        }
        return out;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

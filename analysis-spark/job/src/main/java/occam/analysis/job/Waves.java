package occam.analysis.job;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import occam.analysis.job.InputChecks.Rejection;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.schemas.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verify and write steps, in waves: finished checkpoints are collected until {@code checkpoints} of them are
 * waiting or {@code minutes} have passed since the last commit, then their rows pass the output checks and replace
 * their runs' partitions (old rows of other checkpoints and settings kept). A job killed at any moment loses only
 * the checkpoints not yet committed; a rerun finds the committed ones done.
 */
final class Waves {

    private static final Logger LOG = LoggerFactory.getLogger(Waves.class);

    /** When to commit: after this many finished checkpoints, or this long after the previous commit. */
    record Policy(int checkpoints, double minutes) {
        static final Policy DEFAULT = new Policy(16, 10);
    }

    /** What one wave wrote. */
    record Wave(int number, int analysed, int quarantined, List<String> runs, double seconds) {
        String describe() {
            return String.format("wave %d: %d analysed, %d quarantined checkpoint(s) committed to run(s) %s (%.1f s)",
                    number, analysed, quarantined, String.join(", ", runs), seconds);
        }
    }

    private final SparkSession spark;
    private final OutputStore store;
    private final String hash;
    private final List<Double> epsilons;
    private final Policy policy;
    private final Set<String> runLevelKeys;
    private final List<Wave> committed = new ArrayList<>();
    private final List<SearchStage.TaskResult> results = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final Set<String> keys = new LinkedHashSet<>();
    private final Set<String> runs = new LinkedHashSet<>();
    private long lastCommit = System.nanoTime();

    /**
     * @param pendingRuns runs with pending work: the first wave that touches one also drops its old run-level
     *     quarantine rows under these settings (the run is being checked again)
     */
    Waves(SparkSession spark, OutputStore store, String hash, List<Double> epsilons, Policy policy, Set<String> pendingRuns) {
        this.spark = spark;
        this.store = store;
        this.hash = hash;
        this.epsilons = epsilons;
        this.policy = policy;
        this.runLevelKeys = new LinkedHashSet<>();
        pendingRuns.forEach(r -> runLevelKeys.add(r + "@*"));
    }

    /** Rejections of the checks; {@code checkpoints} are the pending checkpoints each run-level rejection covers. */
    synchronized void addRejections(List<Rejection> found, List<CheckpointFile> checkpoints) {
        for (Rejection q : found) {
            rejections.add(q);
            runs.add(q.runId());
            if (q.step() != null) {
                keys.add(q.runId() + "@" + q.step());
            } else {
                checkpoints.stream().filter(c -> c.runId().equals(q.runId())).forEach(c -> keys.add(c.key()));
            }
        }
        commitIfDue();
    }

    synchronized void add(SearchStage.TaskResult r) {
        results.add(r);
        runs.add(r.runId());
        keys.add(r.key());
        commitIfDue();
    }

    /** Commits when enough time has passed, even if few checkpoints are waiting. */
    synchronized void tick() {
        if (!keys.isEmpty() && (System.nanoTime() - lastCommit) / 60e9 >= policy.minutes()) {
            commit();
        }
    }

    /** Commits whatever is left. */
    synchronized void finish() {
        if (!keys.isEmpty()) {
            commit();
        }
    }

    synchronized List<Wave> committed() {
        return committed;
    }

    private void commitIfDue() {
        if (keys.size() >= policy.checkpoints()) {
            commit();
        } else {
            tick();
        }
    }

    private void commit() {
        long start = System.nanoTime();
        Map<Table, List<Row>> rows = new EnumMap<>(Table.class);
        OutputStore.TABLES.forEach(t -> rows.put(t, new ArrayList<>()));
        List<Rejection> quarantine = new ArrayList<>(rejections);
        int analysed = 0;
        for (SearchStage.TaskResult r : results) {
            if (r.error() != null) {
                quarantine.add(new Rejection(r.runId(), r.step(), "analysis_failed", r.error(), r.sourceFile()));
                continue;
            }
            analysed++;
            r.rows().forEach((table, tableRows) -> rows.get(table).addAll(tableRows));
        }
        quarantine.forEach(q -> rows.get(Table.QUARANTINE).add(EngineAdapter.quarantine(q, hash)));

        // verify
        Map<Table, Dataset<Row>> frames = new EnumMap<>(Table.class);
        rows.forEach((table, list) -> frames.put(table, spark.createDataFrame(list, SparkSchemas.structType(table))));
        List<String> failed = OutputChecks.failures(spark, frames, epsilons);
        if (!failed.isEmpty()) {
            throw new IllegalStateException("output checks failed, wave " + (committed.size() + 1) + " was not written: "
                    + failed);
        }
        // write
        Set<String> redone = new LinkedHashSet<>(keys);
        for (String run : runs) {
            if (runLevelKeys.remove(run + "@*")) {
                redone.add(run + "@*");
            }
        }
        store.replacePartitions(frames, runs, redone, hash);

        Wave wave = new Wave(committed.size() + 1, analysed, keys.size() - analysed, List.copyOf(runs), seconds(start));
        committed.add(wave);
        LOG.info(wave.describe());
        results.clear();
        rejections.clear();
        keys.clear();
        runs.clear();
        lastCommit = System.nanoTime();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

package occam.analysis.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.analysis.job.InputScan.RunInput;
import occam.schemas.ModelSpec;
import occam.schemas.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job as named steps: scan, find the missing work, check, search, check the outputs, replace partitions. */
final class AnalysisJob {

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisJob.class);

    /** Where to read, where to write, and how to behave. {@code failOnceAt} is test-only fault injection. */
    record Config(List<String> inputs, String output, List<String> runPatterns, boolean force, boolean retryQuarantined,
            int engineThreads, String failOnceAt) {}

    /** The engine and the settings it was built from. */
    record EngineSetup(String settingsHash, List<Double> epsilons, SearchStage.Engine engine) {}

    /** What a run of the job did; timings here, never in the tables. */
    record Summary(int checkpointsFound, int alreadyDone, int analysed, int quarantined, List<String> duplicateRuns,
            double wallSeconds, double engineSeconds, String slowestCheckpoint, double slowestSeconds) {

        boolean noWork() {
            return analysed + quarantined == 0;
        }

        String describe() {
            return String.format("occam analyze: %d checkpoint(s) found, %d already analysed (skipped), %d analysed, "
                    + "%d quarantined; wall %.1f s, engine %.1f s in tasks%s%s", checkpointsFound, alreadyDone, analysed,
                    quarantined, wallSeconds, engineSeconds,
                    slowestCheckpoint == null ? "" : String.format(", slowest %s (%.1f s)", slowestCheckpoint, slowestSeconds),
                    duplicateRuns.isEmpty() ? "" : "; duplicate run ids ignored: " + duplicateRuns);
        }
    }

    private AnalysisJob() {}

    static Summary run(SparkSession spark, Config config, EngineSetup setup) {
        long start = System.nanoTime();
        String hash = setup.settingsHash();
        OutputStore store = new OutputStore(spark, config.output());

        InputScan.Result scan = InputScan.scan(spark, config.inputs(), InputScan.runFilter(config.runPatterns()));
        Set<String> done = new HashSet<>();
        if (!config.force()) {
            done.addAll(store.analysed(hash));
            if (!config.retryQuarantined()) {
                done.addAll(store.quarantined(hash));
            }
        }
        List<CheckpointFile> pending = scan.checkpoints().stream()
                .filter(c -> !done.contains(c.key()) && !done.contains(c.runId() + "@*")).toList();
        int alreadyDone = scan.checkpoints().size() - pending.size();
        if (pending.isEmpty()) {
            LOG.info("no work: all {} checkpoint(s) already have rows for settings {} in {}", scan.checkpoints().size(),
                    hash, config.output());
            return new Summary(scan.checkpoints().size(), alreadyDone, 0, 0, scan.duplicateRuns(), seconds(start), 0, null, 0);
        }
        Set<String> pendingRuns = new LinkedHashSet<>();
        pending.forEach(c -> pendingRuns.add(c.runId()));
        List<RunInput> runs = scan.runs().stream().filter(r -> pendingRuns.contains(r.runId())).toList();
        LOG.info("{} checkpoint(s) of {} run(s) to analyse with settings {} ({} already done)", pending.size(),
                runs.size(), hash, alreadyDone);

        long phase = System.nanoTime();
        InputChecks.Outcome checked = InputChecks.run(spark, runs, pending);
        LOG.info(String.format("checks: %d checkpoint(s) pass, %d rejection(s) (%.1f s)", checked.passing().size(),
                checked.rejections().size(), seconds(phase)));
        phase = System.nanoTime();
        Map<String, ModelSpec> specs = new HashMap<>();
        Map<String, Integer> labelCounts = new HashMap<>();
        runs.stream().filter(r -> r.spec() != null).forEach(r -> {
            specs.put(r.runId(), r.spec());
            labelCounts.put(r.runId(), r.p());
        });
        List<SearchStage.TaskResult> results = checked.passing().isEmpty() ? List.of()
                : SearchStage.run(spark, checked.tensorRows(), checked.passing(), specs, labelCounts, checked.trainSplits(),
                        setup.engine(), config.engineThreads(), config.failOnceAt());

        LOG.info(String.format("search: %d checkpoint(s) (%.1f s)", results.size(), seconds(phase)));
        phase = System.nanoTime();
        Map<Table, List<Row>> rows = new EnumMap<>(Table.class);
        OutputStore.TABLES.forEach(t -> rows.put(t, new ArrayList<>()));
        List<InputChecks.Rejection> rejections = new ArrayList<>(checked.rejections());
        int analysed = 0;
        for (SearchStage.TaskResult r : results) {
            if (r.error() != null) {
                rejections.add(new InputChecks.Rejection(r.runId(), r.step(), "analysis_failed", r.error(), r.sourceFile()));
                continue;
            }
            analysed++;
            r.rows().forEach((table, tableRows) -> rows.get(table).addAll(tableRows));
        }
        rejections.forEach(q -> rows.get(Table.QUARANTINE).add(SparkSchemas.row(Table.QUARANTINE, q, hash)));

        Map<Table, Dataset<Row>> frames = new EnumMap<>(Table.class);
        rows.forEach((table, list) -> frames.put(table, spark.createDataFrame(list, SparkSchemas.structType(table))));
        List<String> failed = OutputChecks.failures(spark, frames, setup.epsilons());
        if (!failed.isEmpty()) {
            throw new IllegalStateException("output checks failed, nothing was written: " + failed);
        }

        Set<String> redone = new HashSet<>();
        pending.forEach(c -> redone.add(c.key()));
        pendingRuns.forEach(run -> redone.add(run + "@*"));
        store.replacePartitions(frames, pendingRuns, redone, hash);
        LOG.info(String.format("write: output checks and %d run partition(s) replaced (%.1f s)", pendingRuns.size(),
                seconds(phase)));

        int quarantinedCheckpoints = (int) pending.stream().filter(c -> rejections.stream().anyMatch(
                q -> q.runId().equals(c.runId()) && (q.step() == null || q.step() == c.step()))).count();
        SearchStage.TaskResult slowest = results.stream()
                .max(Comparator.comparingDouble(SearchStage.TaskResult::engineSeconds)).orElse(null);
        double engineSeconds = results.stream().mapToDouble(SearchStage.TaskResult::engineSeconds).sum();
        return new Summary(scan.checkpoints().size(), alreadyDone, analysed, quarantinedCheckpoints, scan.duplicateRuns(),
                seconds(start), engineSeconds, slowest == null ? null : slowest.runId() + "@" + slowest.step(),
                slowest == null ? 0 : slowest.engineSeconds());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

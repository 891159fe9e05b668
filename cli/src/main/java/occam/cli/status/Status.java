package occam.cli.status;

import java.util.List;
import java.util.Map;
import occam.analysis.job.OutputWriter;

/**
 * What {@code occam status} reports: the archive's runs and, per settings hash, how far the analysis got;
 * {@code writer}: the analysis that holds the tables' lock (null when none does).
 */
record Status(String archive, List<Run> runs, String tables, OutputWriter writer, List<Analysis> analyses) {

    /**
     * One training run. {@code complete}: trained to its planned epochs ({@code completeFrom} says how that was
     * decided).
     */
    record Run(String runId, String task, String regime, long seed, int epochsDone, int epochsPlanned, boolean complete,
            String completeFrom, List<Integer> checkpoints) {}

    /**
     * One settings hash over the archive's checkpoints: analysed (rows in {@code complexity}, {@code evaluations} and
     * {@code baselines}, as occam analyze counts them), quarantined (rows in {@code quarantine}, counted per failed
     * check) and pending (neither); {@code notInArchive}: checkpoints the tables hold rows of that the archive does
     * not (tables of another archive, or of runs removed since).
     */
    record Analysis(String settingsHash, int analysed, int quarantined, int pending, Map<String, Integer> failedChecks,
            List<String> runsRejected, int notInArchive) {}

    int checkpoints() {
        return runs.stream().mapToInt(r -> r.checkpoints().size()).sum();
    }
}

package occam.analysis.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code occam analyze}: the Spark job. The same flags work under spark-submit (the master then comes from
 * spark-submit) and embedded ({@code --master local[*]} by default when no master is configured).
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate the complexity of every archived checkpoint with Spark (embedded local[*] by default).",
                "",
                "Per checkpoint: search coarse-grained models (low-rank truncation + quantization + bzip2)",
                "under each distortion bound epsilon, and write the evaluations, complexity, baselines,",
                "spectra, rate_distortion_fits and quarantine tables. Only checkpoints without rows for the",
                "current settings are analysed, unless --force."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the work is done (or there was none)",
                "1:nothing could be analysed, output checks failed, or --strict and something was quarantined",
                "2:bad usage"})
public final class AnalyzeCommand implements Callable<Integer> {

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "ROOT",
            description = "Archive root written by `occam train` (local path or any Hadoop URI); repeatable.")
    List<String> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "ROOT",
            description = "Root of the output tables (local path or any Hadoop URI).")
    String output;

    @Option(names = "--runs", split = ",", paramLabel = "ID",
            description = "Only these runs: ids or globs, comma separated (e.g. 'add-*'). Default: all.")
    List<String> runs = new ArrayList<>();

    @CommandLine.Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--force", description = "Recompute every selected checkpoint, even those already analysed.")
    boolean force;

    @Option(names = "--retry-quarantined", description = "Check again the checkpoints quarantined under these settings.")
    boolean retryQuarantined;

    @Option(names = "--strict", description = "Exit 1 when anything was quarantined.")
    boolean strict;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: the one spark-submit configured, else local[*].")
    String master;

    @Option(names = "--engine-threads", paramLabel = "N",
            description = "Engine threads per task. Default: spark.task.cpus.")
    Integer engineThreads;

    @Override
    public Integer call() {
        AnalysisJob.EngineSetup setup = settings.engineSetup();
        SparkSession spark = SparkJobs.sessionBuilder(SparkJobs.masterOrDefault(master)).getOrCreate();
        try {
            int threads = engineThreads != null ? engineThreads
                    : Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
            String failOnceAt = spark.conf().get("spark.occam.test.failOnceAt", "");
            AnalysisJob.Summary summary = AnalysisJob.run(spark,
                    new AnalysisJob.Config(inputs, output, runs, force, retryQuarantined, threads, failOnceAt), setup);
            System.out.println(summary.describe());
            if (summary.checkpointsFound() == 0) {
                System.err.println("occam analyze: no checkpoints found under " + inputs);
                return 1;
            }
            if (!summary.noWork() && summary.analysed() == 0) {
                return 1;
            }
            return strict && summary.quarantined() > 0 ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    public static void main(String[] args) {
        System.exit(SparkJobs.execute(new AnalyzeCommand(), args));
    }
}

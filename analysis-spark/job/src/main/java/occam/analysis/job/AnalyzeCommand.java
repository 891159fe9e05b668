package occam.analysis.job;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import occam.analysis.engine.AnalysisSettings;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code occam analyze}: the Spark job. The same flags work under spark-submit (the master then comes from
 * spark-submit) and embedded ({@code --master local[*]} by default when no master is configured). Every flag is
 * checked before Spark starts; bad usage exits 2 with one line, a failure exits 1 with one or two.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate the complexity of every archived checkpoint with Spark (embedded local[*] by default).",
                "",
                "Per checkpoint: search coarse-grained models (low-rank truncation + quantization + bzip2)",
                "under each distortion bound epsilon, and write the evaluations, complexity, baselines,",
                "spectra, rate_distortion_fits and quarantine tables. Only checkpoints without rows for the",
                "current settings are analysed, unless --force. Results are committed in waves while the",
                "search runs, so a killed job keeps what it finished; one analysis per output at a time",
                "(a second one waits for the first)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the work is done (or there was none), or --dry-run",
                "1:nothing could be analysed, Spark or the output failed, or --strict and something was quarantined",
                "2:bad usage (a flag's value, a missing input, an output inside an input or holding a file where a table's directory goes, --runs matching nothing)",
                "130, 143:interrupted (Ctrl-C, SIGTERM): the finished checkpoints are committed; the same command does the rest"})
public final class AnalyzeCommand implements Callable<Integer> {

    /** Ctrl-C's status (128 + SIGINT), as the shell reports it; after SIGTERM the JVM exits with 143. */
    static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "ROOT",
            description = "Archive root written by `occam train` (local path or any Hadoop URI); repeatable.")
    List<String> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "ROOT",
            description = "Root of the output tables (local path or any Hadoop URI), outside every input.")
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

    @Option(names = "--wave-checkpoints", paramLabel = "N",
            description = "Commit results after every N finished checkpoints. Default: ${DEFAULT-VALUE}.")
    int waveCheckpoints = Waves.Policy.DEFAULT.checkpoints();

    @Option(names = "--wave-minutes", paramLabel = "M",
            description = "... or M minutes after the previous commit, whichever comes first. Default: ${DEFAULT-VALUE}.")
    double waveMinutes = Waves.Policy.DEFAULT.minutes();

    @Option(names = "--dry-run", description = "Print, per run, the checkpoints pending, done and quarantined for these settings; analyse nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the final summary as one JSON object on stdout (the text summary goes to stderr).")
    boolean json;

    @Option(names = "--verbose", description = "Print the stack trace of a failure (default: written to a log file).")
    boolean verbose;

    /**
     * The first bad value among the flags that name no file (search settings, threads, master, waves), or null:
     * what a command that runs the analysis later (a sweep) can check before its first step.
     */
    public String flagError() {
        return Stream.of(UsageChecks.settings(settings), UsageChecks.threads(engineThreads), UsageChecks.master(master),
                UsageChecks.waves(waveCheckpoints, waveMinutes)).filter(m -> m != null).findFirst().orElse(null);
    }

    @Override
    public Integer call() {
        String usage = flagError();
        if (usage == null) {
            usage = UsageChecks.paths(inputs, output, runs);
        }
        if (usage != null) {
            // printed here, not thrown: the same one line whichever command line runs this command
            return SparkJobs.usageError(err(), spec.commandLine().getCommandName(), usage);
        }
        String unreachable = UsageChecks.unreachableMaster(master);
        if (unreachable != null) {
            err().println("occam analyze: " + unreachable);
            err().flush();
            return 1;
        }
        try {
            return analyze();
        } catch (Exception e) {
            if (AnalysisJob.interrupted()) {
                // the search was cancelled on purpose and the interruption's hook says what it committed; the JVM
                // exits with the signal's status (130, 143) once the hook ends
                return INTERRUPTED;
            }
            return failed(e);
        }
    }

    private int analyze() {
        AnalysisSettings analysisSettings = settings.settings();
        String chosenMaster = SparkJobs.masterOrDefault(master);
        // a session the caller already runs (tests, an embedding program) is theirs to stop
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkJobs.sessionBuilder(chosenMaster).getOrCreate();
        try {
            if (spark.sparkContext().isLocal() && spark.sparkContext().uiWebUrl().isDefined()) {
                err().println("occam analyze: Spark UI at " + spark.sparkContext().uiWebUrl().get());
            }
            int threads = engineThreads != null ? engineThreads
                    : Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
            AnalysisJob.Config config = new AnalysisJob.Config(inputs, output, runs, force, retryQuarantined, threads,
                    analysisSettings, new Waves.Policy(waveCheckpoints, waveMinutes));
            if (dryRun) {
                return dryRun(spark, config);
            }
            AnalysisJob.Summary summary = AnalysisJob.run(spark, config);
            if (json) {
                err().println(summary.describe());
                out().println(json(summary, analysisSettings.hash()));
            } else {
                out().println(summary.describe());
            }
            if (summary.checkpointsFound() == 0) {
                err().println("occam analyze: no checkpoints under " + String.join(", ", inputs)
                        + (runs.isEmpty() ? "" : " for --runs " + String.join(",", runs)) + ": the archive has none yet");
                return 1;
            }
            if (!summary.noWork() && summary.analysed() == 0) {
                return 1;
            }
            return strict && summary.quarantined() > 0 ? 1 : 0;
        } finally {
            out().flush();
            err().flush();
            if (ownSession) {
                spark.stop();
            }
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private int dryRun(SparkSession spark, AnalysisJob.Config config) {
        AnalysisJob.Work work = AnalysisJob.scan(spark, config, new OutputStore(spark, config.output()));
        String hash = config.settings().hash();
        Map<String, int[]> perRun = work.perRun();
        if (json) {
            out().println(perRun.entrySet().stream().map(e -> String.format(
                    "{\"run_id\":%s,\"pending\":%d,\"done\":%d,\"quarantined\":%d}", quote(e.getKey()),
                    e.getValue()[0], e.getValue()[1], e.getValue()[2])).collect(Collectors.joining(",",
                    "{\"settings_hash\":" + quote(hash) + ",\"runs\":[", "]}")));
        } else {
            out().println("occam analyze --dry-run: settings " + hash + ", output " + config.output());
            out().printf("%-28s %8s %8s %12s%n", "run", "pending", "done", "quarantined");
            perRun.forEach((run, n) -> out().printf("%-28s %8d %8d %12d%n", run, n[0], n[1], n[2]));
            out().println("occam analyze --dry-run: " + work.pending().size() + " checkpoint(s) would be analysed");
        }
        return 0;
    }

    /** One or two lines: the cause, and where its stack trace is. */
    private int failed(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = firstLine(e.getMessage());
        String cause = root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")";
        PrintWriter err = err();
        err.println("occam analyze failed: " + message + cause);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        if (verbose) {
            err.print(trace);
        } else {
            // the same two lines as every other occam command's failure
            try {
                String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
                Path log = Files.createTempFile("occam-analyze-" + stamp + "-", ".log");
                Files.writeString(log, trace.toString());
                err.println("  the stack trace is in " + log + " (--verbose prints it here)");
            } catch (IOException ignored) {
                err.println("  (--verbose prints the stack trace)");
            }
        }
        err.flush();
        return 1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String json(AnalysisJob.Summary s, String hash) {
        String waves = s.waves().stream().map(w -> String.format(Locale.ROOT,
                "{\"wave\":%d,\"analysed\":%d,\"quarantined\":%d,\"runs\":[%s],\"seconds\":%.3f}", w.number(),
                w.analysed(), w.quarantined(), w.runs().stream().map(AnalyzeCommand::quote).collect(Collectors.joining(",")),
                w.seconds())).collect(Collectors.joining(","));
        String phases = s.phaseSeconds().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s:%.3f", quote(e.getKey()), e.getValue()))
                .collect(Collectors.joining(","));
        return String.format(Locale.ROOT, "{\"settings_hash\":%s,\"checkpoints_found\":%d,\"already_done\":%d,"
                + "\"analysed\":%d,\"quarantined\":%d,\"wall_seconds\":%.3f,\"engine_seconds\":%.3f,"
                + "\"phase_seconds\":{%s},\"waves\":[%s],\"duplicate_runs\":[%s]}", quote(hash), s.checkpointsFound(),
                s.alreadyDone(), s.analysed(), s.quarantined(), s.wallSeconds(), s.engineSeconds(), phases, waves,
                s.duplicateRuns().stream().map(AnalyzeCommand::quote).collect(Collectors.joining(",")));
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) {
        System.exit(SparkJobs.execute(new AnalyzeCommand(), args));
    }
}

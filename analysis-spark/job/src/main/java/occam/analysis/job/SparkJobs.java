package occam.analysis.job;

import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/** How the job configures Spark, in one place. */
final class SparkJobs {

    private SparkJobs() {}

    /** Used unless spark-submit or the user set spark.sql.shuffle.partitions. */
    static final int DEFAULT_SHUFFLE_PARTITIONS = 8;

    /**
     * A session builder with the settings the job relies on; {@code master} null keeps what spark-submit set.
     * Speculation is off: a speculative copy of a search task would only burn a core on the same answer.
     */
    static SparkSession.Builder sessionBuilder(String master) {
        SparkConf submitted = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName("occam analyze")
                .config("spark.speculation", "false")
                .config("spark.sql.parquet.compression.codec", "snappy")
                // unreadable checkpoint files are found and quarantined by the input checks, not fatal
                .config("spark.sql.files.ignoreCorruptFiles", "true")
                // the checks' plans are wide; without this Spark warns on every run that it truncated one for its logs
                .config("spark.sql.debug.maxToStringFields", "1000");
        if (!submitted.contains("spark.sql.shuffle.partitions")) {
            // The job's shuffles carry per-checkpoint check results and a few rows per run; Spark's default of 200
            // would make each one 200 tiny tasks (measured on the test cluster: 187 s instead of 126 s).
            b.config("spark.sql.shuffle.partitions", String.valueOf(DEFAULT_SHUFFLE_PARTITIONS));
        }
        if (!submitted.contains("spark.scheduler.mode")) {
            // waves are committed while the search runs: FAIR pools let a commit take the next free core
            b.config("spark.scheduler.mode", "FAIR");
        }
        if (!submitted.contains("spark.sql.warehouse.dir")) {
            // the job uses no tables of Spark's catalog; keep Spark from creating spark-warehouse/ in the working directory
            b.config("spark.sql.warehouse.dir", Path.of(System.getProperty("java.io.tmpdir"), "occam-spark-warehouse")
                    .toUri().toString());
        }
        if (master != null) {
            b.master(master);
        }
        return b;
    }

    /** The explicit master, else none when spark-submit set one, else every local core. */
    static String masterOrDefault(String explicit) {
        if (explicit != null) {
            return explicit;
        }
        return System.getProperty("spark.master") != null ? null : "local[*]";
    }

    /**
     * Runs a picocli command with the exit codes of the product: 0 success, 1 failure, 2 bad usage. Bad usage is one
     * line and a hint to --help, never the usage dump.
     */
    static int execute(Object command, String[] args) {
        return commandLine(command).execute(args);
    }

    /** The command line {@link #execute} runs. */
    static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler(SparkJobs::usageError);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("occam " + line.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /** One line naming the flag, the value and what is expected, and where help is (as every occam command); exit 2. */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        return usageError(e.getCommandLine().getErr(), e.getCommandLine().getCommandName(), e.getMessage());
    }

    static int usageError(java.io.PrintWriter err, String command, String message) {
        err.println("occam " + command + ": " + message + " (see 'occam " + command + " --help')");
        err.flush();
        return 2;
    }
}

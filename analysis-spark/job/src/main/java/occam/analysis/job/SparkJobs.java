package occam.analysis.job;

import org.apache.spark.sql.SparkSession;

/** How the job configures Spark, in one place. */
final class SparkJobs {

    private SparkJobs() {}

    /**
     * A session builder with the settings the job relies on; {@code master} null keeps what spark-submit set.
     * Speculation is off: a speculative copy of a search task would only burn a core on the same answer.
     */
    static SparkSession.Builder sessionBuilder(String master) {
        SparkSession.Builder b = SparkSession.builder().appName("occam analyze")
                .config("spark.speculation", "false")
                .config("spark.sql.parquet.compression.codec", "snappy")
                // unreadable checkpoint files are found and quarantined by the input checks, not fatal
                .config("spark.sql.files.ignoreCorruptFiles", "true");
        if (!new org.apache.spark.SparkConf().contains("spark.sql.shuffle.partitions")) {
            // The job's shuffles carry per-checkpoint check results and a few rows per run; Spark's default of 200
            // would make each one 200 tiny tasks (measured on the test cluster: 187 s instead of 126 s).
            b.config("spark.sql.shuffle.partitions", String.valueOf(DEFAULT_SHUFFLE_PARTITIONS));
        }
        if (master != null) {
            b.master(master);
        }
        return b;
    }

    /** Used unless spark-submit or the user set spark.sql.shuffle.partitions. */
    static final int DEFAULT_SHUFFLE_PARTITIONS = 8;

    /** The explicit master, else none when spark-submit set one, else every local core. */
    static String masterOrDefault(String explicit) {
        if (explicit != null) {
            return explicit;
        }
        return System.getProperty("spark.master") != null ? null : "local[*]";
    }

    /** Runs a picocli command with the exit codes of the product: 0 success, 1 failure, 2 bad usage. */
    static int execute(Object command, String[] args) {
        picocli.CommandLine cl = new picocli.CommandLine(command);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("occam: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(command.getClass()).debug("failure", e);
            return 1;
        });
        return cl.execute(args);
    }
}

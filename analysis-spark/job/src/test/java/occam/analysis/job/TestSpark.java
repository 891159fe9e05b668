package occam.analysis.job;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the whole test JVM (a session costs seconds to start). */
final class TestSpark {

    private static SparkSession session;

    private TestSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkJobs.sessionBuilder("local[2,2]").config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        }
        return session;
    }
}

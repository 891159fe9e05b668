package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.util.ShutdownHookManager;
import org.junit.jupiter.api.Test;

/**
 * The interrupted job's commit is a Hadoop shutdown hook of its own, not one of Spark's: Spark's hooks share one
 * Hadoop hook that Hadoop gives up after 30 s, which cut off slower commits (ResumeTest interrupts a real job; a
 * commit slowed to 45 s by hand was lost there before and kept after).
 */
class InterruptionTest {

    @Test
    void theCommitIsAHadoopHookOfItsOwnWithTimeForTheCommit() {
        AnalysisJob.Interruption interruption = new AnalysisJob.Interruption(null, null);
        try {
            assertTrue(ShutdownHookManager.get().hasShutdownHook(interruption.hook()), "registered with Hadoop's shutdown");
            assertTrue(AnalysisJob.Interruption.HOOK_TIMEOUT_MILLIS > AnalysisJob.Interruption.COMMIT_WAIT_MILLIS,
                    "Hadoop waits longer than the commit is waited for");
            // ahead of Spark's hook (FileSystem's priority + 30), which stops the SparkContext the commit needs
            assertTrue(AnalysisJob.Interruption.BEFORE_SPARK_STOPS > org.apache.hadoop.fs.FileSystem.SHUTDOWN_HOOK_PRIORITY + 30);
        } finally {
            interruption.remove();
        }
        assertFalse(ShutdownHookManager.get().hasShutdownHook(interruption.hook()), "removed when the job ends");
    }
}

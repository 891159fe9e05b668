package occam.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/occam under a SIGTERM sent to its whole process group, as `timeout` and `kill -- -PGID` send it: the JVM's
 * last words still reach standard error through the launcher's banner filter, and the exit status is the signal's.
 */
class LauncherSignalTest {

    @TempDir
    Path dir;

    @Test
    void aSigtermToTheGroupKeepsTheLastWords() throws Exception {
        Path out = dir.resolve("archive");
        String said = stopAfterFirstCheckpoint(out, "train", "--task", "add", "--regime", "none", "--p", "23", "--epochs",
                "5000", "--seed", "0", "--threads", "1", "--device", "cpu", "--quiet", "--out", out.toString());
        assertTrue(said.contains("occam train: interrupted at epoch "), said);
        assertTrue(said.contains("the same command resumes run 'add-none-s0' from its checkpoint at epoch "), said);
        assertFalse(said.contains("WARNING: Using incubator modules"), "the filter still drops the banner:\n" + said);
    }

    @Test
    void aSigtermToASweepStopsItsRunsAndSaysHowToContinue() throws Exception {
        Path out = dir.resolve("sweep");
        String said = stopAfterFirstCheckpoint(out.resolve("archive"), "sweep", "--tasks", "add", "--regimes", "none",
                "--seeds", "0", "--epochs", "5000", "--out", out.toString(), "--", "--p", "23");
        assertTrue(said.contains("occam sweep: interrupted; each run's log in " + out.resolve("logs")), said);
        String runLog = Files.readString(out.resolve("logs").resolve("add-none-s0.log"));
        assertTrue(runLog.contains("occam train: interrupted at epoch "), runLog);
        assertFalse(runLog.contains("WARNING: Using incubator modules"), "the training child runs without the module:\n" + runLog);
    }

    /**
     * Runs bin/occam with {@code args} as the leader of a process group of its own (setsid: java and the launcher's
     * filter beside it, as under `timeout`), sends SIGTERM to the whole group once run add-none-s0 has a checkpoint
     * in {@code archive}, and returns what it wrote to standard error, after checking the signal's exit status.
     */
    private String stopAfterFirstCheckpoint(Path archive, String... args) throws Exception {
        Path err = dir.resolve(args[0] + "-stderr.txt");
        List<String> command = new ArrayList<>(List.of("setsid", "bash", OccamSubmitTest.REPO.resolve("bin/occam").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(dir.resolve(args[0] + "-stdout.txt").toFile())
                .redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!hasCheckpoint(archive)) {
            assertTrue(p.isAlive(), "ended before the first checkpoint:\n" + Files.readString(err));
            assertTrue(System.nanoTime() < deadline, "no checkpoint within 180 s:\n" + Files.readString(err));
            Thread.sleep(50);
        }
        // bash's own kill: a fresh machine need not have procps' kill(1)
        assertEquals(0, new ProcessBuilder("bash", "-c", "kill -TERM -- -" + p.pid()).start().waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not end after SIGTERM");
        String said = Files.readString(err);
        assertEquals(143, p.exitValue(), said);
        return said;
    }

    private static boolean hasCheckpoint(Path archive) throws Exception {
        Path run = archive.resolve("checkpoints").resolve("run_id=add-none-s0");
        if (!Files.isDirectory(run)) {
            return false;
        }
        try (Stream<Path> files = Files.list(run)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("step-"));
        }
    }
}

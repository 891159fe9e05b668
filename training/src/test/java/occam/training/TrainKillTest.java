package occam.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import occam.schemas.Archive;
import occam.training.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a real trainer JVM ({@code TrainCommand}'s main) is killed at three different epochs (twice
 * SIGKILL, once SIGTERM, which must also say where the run stopped), the same command is run again each time, and the finished archive equals an uninterrupted run's: every
 * checkpoint, training state and metrics row, each exactly once.
 */
class TrainKillTest {

    private static final String RUN = "add-ours-s3";
    private static final int EPOCHS = 40;

    @TempDir
    Path dir;

    private List<String> command(Path out) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                TrainCommand.class.getName()));
        c.addAll(List.of("--task", "add", "--regime", "ours", "--p", "23", "--epochs", String.valueOf(EPOCHS),
                "--seed", "3", "--eval-every", "2", "--threads", "1", "--device", "cpu", "--quiet", "--out", out.toString()));
        return c;
    }

    private Process start(Path out, Path log) throws IOException {
        return new ProcessBuilder(command(out)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * Stops the trainer once it has recorded metrics at {@code epoch} or later, with SIGKILL or (as Ctrl-C would)
     * SIGTERM; returns that epoch.
     */
    private static int killAtOrAfter(Process p, Archive archive, int epoch, Path log, boolean sigterm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            List<Integer> epochs = Files.exists(archive.runFile(RUN)) ? archive.metricsEpochs(RUN) : List.of();
            int last = epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1);
            if (last >= epoch) {
                assertTrue(p.isAlive(), "the trainer ended before it could be killed:\n" + Files.readString(log));
                if (sigterm) {
                    p.destroy(); // the JVM's shutdown hooks run: the trainer says where it stopped
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                    assertEquals(143, p.exitValue(), "stopped by SIGTERM");
                    String said = Files.readString(log);
                    assertTrue(said.matches("(?s).*occam train: interrupted at epoch \\d+ of " + EPOCHS
                            + "; the same command resumes run '" + RUN + "' from its checkpoint at epoch \\d+.*"), said);
                } else {
                    p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                    assertEquals(137, p.exitValue(), "killed by SIGKILL");
                }
                return last;
            }
            assertTrue(p.isAlive(), "the trainer stopped before epoch " + epoch + ":\n" + Files.readString(log));
            Thread.sleep(5);
        }
        throw new AssertionError("no metrics at epoch " + epoch + " within 120 s:\n" + Files.readString(log));
    }

    @Test
    void killedThreeTimesAndRerunEndsAsAnUninterruptedRun() throws Exception {
        Path reference = dir.resolve("reference");
        Trainer.run(TrainingConfig.builder(Task.ADD, Regime.OURS).p(23).epochs(EPOCHS).seed(3).evalEvery(2).threads(1)
                .device(DeviceChoice.CPU).out(reference).build());

        Path out = dir.resolve("killed");
        Path log = dir.resolve("trainer.log");
        Archive archive = new Archive(out);
        List<Integer> killedAt = new ArrayList<>();
        for (int target : new int[] {6, 16, 28}) {
            killedAt.add(killAtOrAfter(start(out, log), archive, target, log, target == 16));
            assertFalse(archive.progress(RUN).complete());
            assertTrue(archive.progress(RUN).resumable(), archive.progress(RUN).describe());
        }
        Process last = start(out, log);
        assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the last rerun did not finish");
        assertEquals(0, last.exitValue(), Files.readString(log));
        assertTrue(killedAt.get(0) < killedAt.get(1) && killedAt.get(1) < killedAt.get(2), "killed at " + killedAt);

        assertTrue(archive.progress(RUN).complete());
        ArchiveComparison.assertSameRun(new Archive(reference), archive, RUN);
        // and once more: complete, nothing trained
        Process again = start(out, log);
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue());
        assertTrue(Files.readString(log).contains("is complete (" + EPOCHS + " epochs): not trained again"), Files.readString(log));
    }
}

package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed with SIGKILL in the middle of a checkpoint leaves no file under a final name but complete ones. */
class KilledWriterTest {

    @TempDir
    Path root;

    @Test
    void killedWriterLeavesOnlyCompleteFiles() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), KilledWriterMain.class.getName(), root.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            // Kill while the second checkpoint is being written: the first is complete by then.
            for (String line; (line = out.readLine()) != null && !line.equals("writing 2"); ) {
                assertTrue(line.startsWith("writing"), "child said: " + line);
            }
            // wait until the second checkpoint's temporary file exists (a loaded machine may take a while to start it)
            Path dir = new Archive(root).partition(Table.CHECKPOINTS, "big");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!inFlight(dir) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        Archive archive = new Archive(root);
        Path dir = archive.partition(Table.CHECKPOINTS, "big");
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<Integer> steps = archive.checkpointSteps("big");
        assertTrue(steps.contains(1), "first checkpoint was complete before the kill: " + names);
        for (int step : steps) {
            assertEquals(3_000_000, archive.readCheckpoint("big", step).tensor("w").values().length, "step " + step);
        }
        // Whatever was in flight is a hidden temporary file, which no reader lists.
        for (String name : names) {
            assertTrue(name.matches("step-\\d{8}\\.parquet") || name.matches("\\.step-\\d{8}\\.parquet\\..*\\.tmp"), name);
        }
        // The checkpoint in flight was being written under a temporary name, not its final one.
        if (!steps.contains(2)) {
            assertTrue(names.stream().anyMatch(n -> n.startsWith(".step-00000002.parquet.")), names.toString());
        }
    }

    private static boolean inFlight(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith(".step-00000002.parquet."));
        }
    }
}

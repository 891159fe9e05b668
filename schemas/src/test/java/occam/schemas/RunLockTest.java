package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

    @TempDir
    Path dir;

    @Test
    void oneWriterPerRunAndTheLeftoversOfAnInterruptedOneAreRemoved() throws Exception {
        Archive archive = new Archive(dir);
        Path partition = Files.createDirectories(archive.partition(Table.CHECKPOINTS, "r"));
        Path leftover = Files.writeString(partition.resolve(".step-00000004.parquet.0123.tmp"), "half written");
        Path kept = Files.writeString(partition.resolve("step-00000003.parquet"), "a finished file");
        try (RunLock lock = RunLock.acquire(archive, "r")) {
            assertFalse(Files.exists(leftover), "an interrupted writer's temporary file is removed");
            assertTrue(Files.exists(kept), "finished files stay");
            IllegalStateException busy = assertThrows(IllegalStateException.class, () -> RunLock.acquire(archive, "r"));
            assertTrue(busy.getMessage().startsWith("run 'r' in " + dir + " is being written by another process (pid "
                    + ProcessHandle.current().pid() + ", since "), busy.getMessage());
            // another run is not held
            RunLock.acquire(archive, "other").close();
        }
        RunLock.acquire(archive, "r").close(); // released
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve("checkpoints")), files.toList(), "no lock file in the archive");
        }
    }
}

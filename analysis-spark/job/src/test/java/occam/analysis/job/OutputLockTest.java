package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {

    @TempDir
    Path dir;

    @Test
    void aLockOfADeadProcessIsRecoveredAndOneOfAnotherHostAgesOut() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
        Path lock = dir.resolve(OutputLock.NAME);
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Files.writeString(lock, "host=" + host + "\npid=" + dead.pid() + "\nstarted=" + Instant.now() + "\ntoken=x\n");

        List<OutputLock.Holder> waitedFor = new ArrayList<>();
        try (OutputLock held = OutputLock.acquire(fs, root, waitedFor::add)) {
            assertEquals(List.of(), waitedFor, "a dead holder is not waited for");
            OutputLock.Holder me = OutputLock.read(fs, new org.apache.hadoop.fs.Path(root, OutputLock.NAME)).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), me.pid());
            assertNull(OutputLock.staleness(fs, new org.apache.hadoop.fs.Path(root, OutputLock.NAME), me), "alive");
        }
        assertTrue(Files.notExists(lock), "released");

        Files.writeString(lock, "host=elsewhere\npid=1\nstarted=" + Instant.now() + "\ntoken=y\n");
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root, OutputLock.NAME);
        OutputLock.Holder other = OutputLock.read(fs, p).orElseThrow();
        assertNull(OutputLock.staleness(fs, p, other), "a fresh heartbeat from another host is live");
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.from(
                Instant.now().minus(OutputLock.STALE).minusSeconds(5)));
        assertNotNull(OutputLock.staleness(fs, p, other), "an old heartbeat is stale");
    }

    @Test
    void aLockFileThatNamesNoHolderIsWaitedForBrieflyThenRemoved() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root, OutputLock.NAME);
        Path lock = dir.resolve(OutputLock.NAME);
        Files.writeString(lock, "");
        String fresh = OutputLock.unreadable(fs, p);
        assertTrue(fresh != null && fresh.startsWith("it names no holder yet"), fresh);
        assertTrue(OutputWriter.of(dir).orElseThrow().describe().startsWith("the lock file _analysis.lock cannot be read"));
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.from(
                Instant.now().minus(OutputLock.UNREADABLE_GRACE).minusSeconds(5)));
        assertTrue(OutputWriter.of(dir).orElseThrow().describe().endsWith("the next occam analyze removes it"));

        // acquire does not spin on it: it removes the old empty file and takes the lock
        List<OutputLock.Holder> waitedFor = new ArrayList<>();
        try (OutputLock held = OutputLock.acquire(fs, root, waitedFor::add)) {
            assertEquals(ProcessHandle.current().pid(), OutputLock.read(fs, p).orElseThrow().pid());
        }
        assertEquals(List.of(), waitedFor);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no lock and no temporary file left");
        }
        assertNull(OutputLock.unreadable(fs, p), "absent");
    }
}

package occam.analysis.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The analysis writing a local output root, as its lock names it, for {@code occam status}.
 *
 * @param host null when the lock file names no holder (then {@code pid} is -1, {@code started} null)
 * @param stale why the holder is gone (the next analysis removes its lock), or null while it runs
 */
public record OutputWriter(String host, long pid, String started, String stale) {

    /** The holder of {@code root}'s lock; empty when no analysis holds it. */
    public static Optional<OutputWriter> of(java.nio.file.Path root) {
        Path lock = new Path(root.toAbsolutePath().toUri().toString(), OutputLock.NAME);
        try {
            FileSystem fs = FileSystem.getLocal(new Configuration());
            Optional<OutputLock.Holder> holder = OutputLock.read(fs, lock);
            if (holder.isEmpty()) {
                String unreadable = OutputLock.unreadable(fs, lock);
                return unreadable == null ? Optional.empty() : Optional.of(new OutputWriter(null, -1, null, unreadable));
            }
            OutputLock.Holder h = holder.get();
            return Optional.of(new OutputWriter(h.host(), h.pid(), h.started().toString(), OutputLock.staleness(fs, lock, h)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lock " + lock, e);
        }
    }

    /** "host vm, pid 42, started 2026-...: running", or why it is not. */
    public String describe() {
        if (host == null) {
            return "the lock file " + OutputLock.NAME + " cannot be read: " + stale + (stale.startsWith("it names no holder (")
                    ? "; the next occam analyze removes it" : "");
        }
        return "host " + host + ", pid " + pid + ", started " + started + (stale == null ? ": running"
                : ": not running (" + stale + "; the next occam analyze removes its lock)");
    }
}

package occam.analysis.job;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One analysis per output root at a time: {@code <output>/_analysis.lock} names its holder (host, pid, start time)
 * and its modification time is a heartbeat, refreshed every {@link #HEARTBEAT}. A second analysis waits for the lock.
 * A lock is stale, and is removed by the next analysis, when its holder's process is gone (same host: the pid is not
 * alive, or is a younger process) or, from another host, when its heartbeat is older than {@link #STALE}.
 */
final class OutputLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
    static final String NAME = "_analysis.lock";
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final Duration STALE = Duration.ofMinutes(2);
    /**
     * A lock file that names no holder (damaged, or not written by occam) older than this is removed: occam's own
     * locks appear whole (a hard link) or, on HDFS, are written within milliseconds of their creation.
     */
    static final Duration UNREADABLE_GRACE = Duration.ofSeconds(10);

    /** Who holds a lock, as written in the file. */
    record Holder(String host, long pid, Instant started, String token) {
        String describe() {
            return "host " + host + ", pid " + pid + ", started " + started;
        }
    }

    private final FileSystem fs;
    private final Path path;
    private final Holder holder;
    private final Thread heartbeat;

    private OutputLock(FileSystem fs, Path path, Holder holder) {
        this.fs = fs;
        this.path = path;
        this.holder = holder;
        this.heartbeat = new Thread(this::beat, "occam-lock-heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
    }

    /** Takes the lock of {@code root}, waiting while a live analysis holds it; {@code onWait} hears who, once. */
    static OutputLock acquire(FileSystem fs, Path root, java.util.function.Consumer<Holder> onWait) {
        Path path = new Path(root, NAME);
        Holder me = new Holder(hostName(), ProcessHandle.current().pid(), Instant.now(), UUID.randomUUID().toString());
        boolean told = false;
        try {
            while (true) {
                fs.mkdirs(root);
                if (create(fs, path, me)) {
                    return new OutputLock(fs, path, me);
                }
                Optional<Holder> other = read(fs, path);
                if (other.isEmpty()) {
                    String unreadable = unreadable(fs, path);
                    if (unreadable == null) {
                        continue; // released between our two looks: try again
                    }
                    if (unreadable.startsWith(REMOVABLE)) {
                        LOG.warn("removing the lock file {}: {}", path, unreadable);
                        fs.delete(path, false);
                        continue;
                    }
                    Thread.sleep(500); // perhaps being written: look again soon
                    continue;
                }
                String stale = staleness(fs, path, other.get());
                if (stale != null) {
                    // remove only the lock we judged: another waiter may have replaced it meanwhile
                    if (read(fs, path).filter(h -> h.token().equals(other.get().token())).isPresent()) {
                        LOG.warn("removing the stale lock of {} ({})", other.get().describe(), stale);
                        fs.delete(path, false);
                    }
                    continue;
                }
                if (!told) {
                    onWait.accept(other.get());
                    told = true;
                }
                Thread.sleep(2000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lock " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + path, e);
        }
    }

    private static final String REMOVABLE = "it names no holder";

    /**
     * Null when {@code path} is absent or names a holder; else what is wrong with it, starting with "it names no
     * holder" once it is older than {@link #UNREADABLE_GRACE} (the next analysis removes it).
     */
    static String unreadable(FileSystem fs, Path path) throws IOException {
        long modified;
        try {
            modified = fs.getFileStatus(path).getModificationTime();
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
        if (read(fs, path).isPresent()) {
            return null;
        }
        long age = System.currentTimeMillis() - modified;
        return age > UNREADABLE_GRACE.toMillis()
                ? REMOVABLE + " (no host, pid, started and token lines; damaged, or not written by occam), " + age / 1000 + " s old"
                : "it names no holder yet, " + age + " ms old";
    }

    /** Why the holder is gone, or null while it may be alive. */
    static String staleness(FileSystem fs, Path path, Holder h) throws IOException {
        if (h.host().equals(hostName())) {
            Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
            if (p.isEmpty() || !p.get().isAlive()) {
                return "process " + h.pid() + " is not running";
            }
            Optional<Instant> started = p.get().info().startInstant();
            // a pid reused by a process started after the lock was taken is not the holder
            if (started.isPresent() && started.get().isAfter(h.started().plusSeconds(1))) {
                return "pid " + h.pid() + " now belongs to a process started at " + started.get();
            }
            return null;
        }
        long age = System.currentTimeMillis() - fs.getFileStatus(path).getModificationTime();
        return age > STALE.toMillis() ? "no heartbeat for " + age / 1000 + " s" : null;
    }

    /** Atomic create-if-absent: O_EXCL on a local disk, create without overwrite elsewhere (atomic on HDFS). */
    private static boolean create(FileSystem fs, Path path, Holder h) throws IOException {
        byte[] text = format(h);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(path).toUri());
            java.nio.file.Path tmp = local.resolveSibling("." + NAME + "." + h.token());
            Files.write(tmp, text);
            try {
                // a hard link appears whole or not at all, and fails if the lock exists
                Files.createLink(local, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(text);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    static Optional<Holder> read(FileSystem fs, Path path) throws IOException {
        Properties p = new Properties();
        try (var in = fs.open(path)) {
            p.load(in);
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Holder(p.getProperty("host"), Long.parseLong(p.getProperty("pid")),
                    Instant.parse(p.getProperty("started")), p.getProperty("token")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] format(Holder h) {
        return ("host=" + h.host() + "\npid=" + h.pid() + "\nstarted=" + h.started() + "\ntoken=" + h.token() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void beat() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(HEARTBEAT.toMillis());
                try {
                    fs.setTimes(path, System.currentTimeMillis(), -1);
                } catch (IOException e) {
                    LOG.warn("cannot refresh the lock {}: {}", path, e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            // released
        }
    }

    @Override
    public void close() {
        heartbeat.interrupt();
        try {
            if (read(fs, path).filter(h -> h.token().equals(holder.token())).isPresent()) {
                fs.delete(path, false);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the lock {}: {}", path, e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}

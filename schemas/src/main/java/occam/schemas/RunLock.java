package occam.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * One writer per run of an archive on this machine: a file in {@code <java.io.tmpdir>/occam-run-locks/} named after
 * the archive's absolute path and the run id, held with an operating-system file lock for as long as a process trains
 * or imports the run. The system releases it when the process ends, however it ends, so there is no stale lock to
 * clean up, and the archive itself holds no lock file (a refused write leaves it as it was). The file names the
 * holder (pid, start) for the message another writer gets. Holding it, the writer removes the hidden {@code .tmp}
 * files an interrupted writer of the run left (files written atomically are renamed from them).
 */
public final class RunLock implements AutoCloseable {

    /** Another process writes the run: an expected condition, said in one line. */
    public static final class Busy extends IllegalStateException {
        Busy(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code runId} in {@code archive}; fails, naming the holder, when another process has it. */
    public static RunLock acquire(Archive archive, String runId) {
        Path file = lockFile(archive, RunIds.require(runId));
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this very process
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                channel.close();
                throw new Busy("run '" + runId + "' in " + archive.root() + " is being written by another process"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + ": wait for it to end, or stop it (" + file + ")");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", since " + Instant.now())
                    .getBytes(StandardCharsets.UTF_8)), 0);
            removeLeftovers(archive, runId);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lock " + file, e);
        }
    }

    private static Path lockFile(Archive archive, String runId) {
        String where = archive.root().toAbsolutePath().normalize().toString();
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(where.getBytes(StandardCharsets.UTF_8));
            String key = java.util.HexFormat.of().formatHex(digest, 0, 8);
            return Path.of(System.getProperty("java.io.tmpdir"), "occam-run-locks", key + "-" + runId + ".lock");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hidden temporary files of the run's partitions: only an interrupted writer of this run leaves them. */
    private static void removeLeftovers(Archive archive, String runId) throws IOException {
        java.util.List<Path> dirs = new java.util.ArrayList<>();
        for (Table t : Table.values()) {
            dirs.add(archive.partition(t, runId));
        }
        dirs.add(archive.root().resolve("imports").resolve("run_id=" + runId));
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(RunLock::isLeftover).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static boolean isLeftover(Path f) {
        String name = f.getFileName().toString();
        return name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(f);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package occam.cli.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import occam.schemas.Archive;
import occam.schemas.EpochMetrics;
import occam.schemas.Table;

/** How far a run has come, read from the archive a child JVM writes to: the file names alone, not their rows. */
final class ArchiveProgress {

    /** A complete metrics file; the archive's unfinished writes are hidden temporary files and do not match. */
    private static final Pattern METRICS_FILE = Pattern.compile("epoch-(\\d+)\\.parquet");

    /** The accuracy the paper calls memorized (train) and generalized (test). */
    static final double SOLVED = 0.99;

    private final Archive archive;

    ArchiveProgress(Path root) {
        this.archive = new Archive(root);
    }

    boolean hasRun(String runId) {
        return Files.isRegularFile(archive.runFile(runId));
    }

    /** Whether the run's checkpoint of {@code epoch} is written: the trainer's last act for its last epoch. */
    boolean hasCheckpoint(String runId, int epoch) {
        return Files.isRegularFile(archive.checkpointFile(runId, epoch));
    }

    /** The last epoch with a metrics file, 0 when none. */
    int lastEpoch(String runId) {
        Path dir = archive.partition(Table.METRICS, runId);
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> METRICS_FILE.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The first logged epochs with train and test accuracy at least {@link #SOLVED}; empty when never. */
    Milestones milestones(String runId) {
        List<EpochMetrics> metrics = archive.readMetrics(runId);
        return new Milestones(
                first(metrics, m -> m.trainAccuracy() >= SOLVED), first(metrics, m -> m.testAccuracy() >= SOLVED));
    }

    private static OptionalInt first(List<EpochMetrics> metrics, java.util.function.Predicate<EpochMetrics> reached) {
        return metrics.stream().filter(reached).mapToInt(EpochMetrics::epoch).findFirst();
    }

    /** Memorization (train accuracy) and generalization (test accuracy) epochs. */
    record Milestones(OptionalInt memorization, OptionalInt generalization) {
    }
}

package occam.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/**
 * The training-side archive on a local file system, hive-partitioned by run:
 *
 * <pre>
 * &lt;root&gt;/runs/run_id=&lt;id&gt;/run.parquet
 * &lt;root&gt;/examples/run_id=&lt;id&gt;/examples.parquet
 * &lt;root&gt;/metrics/run_id=&lt;id&gt;/epoch-00000123.parquet      one file per logged epoch
 * &lt;root&gt;/checkpoints/run_id=&lt;id&gt;/step-00000123.parquet  one file per checkpoint
 * &lt;root&gt;/training_state/run_id=&lt;id&gt;/step-00000123.parquet  optimizer and generator state per checkpoint
 * </pre>
 *
 * Every file is written whole and atomically and never rewritten; new checkpoints and metrics are new files.
 * Several runs (and several writers, one per run) can share one root.
 */
public final class Archive {

    /** Tensors above this many elements are split over several rows (keeps Parquet pages and list values small). */
    public static final int DEFAULT_CHUNK_ELEMENTS = 65_536;

    /** The largest step (or epoch) a file name holds: eight digits. */
    public static final int MAX_STEP = 99_999_999;
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d{8})\\.parquet");
    private static final Pattern EPOCH_FILE = Pattern.compile("epoch-(\\d{8})\\.parquet");
    private static final String PARTITION = "run_id=";

    private final Path root;
    private final int chunkElements;

    public Archive(Path root) {
        this(root, DEFAULT_CHUNK_ELEMENTS);
    }

    public Archive(Path root, int chunkElements) {
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements(" + chunkElements + ") < 1");
        }
        this.root = root;
        this.chunkElements = chunkElements;
    }

    public Path root() {
        return root;
    }

    /** The directory holding one run's files of one table. */
    public Path partition(Table table, String runId) {
        return root.resolve(table.tableName()).resolve(PARTITION + RunIds.require(runId));
    }

    public Path runFile(String runId) {
        return partition(Table.RUNS, runId).resolve("run.parquet");
    }

    public Path examplesFile(String runId) {
        return partition(Table.EXAMPLES, runId).resolve("examples.parquet");
    }

    public Path metricsFile(String runId, int epoch) {
        return partition(Table.METRICS, runId).resolve(String.format("epoch-%08d.parquet", epoch));
    }

    public Path checkpointFile(String runId, int step) {
        return partition(Table.CHECKPOINTS, runId).resolve(String.format("step-%08d.parquet", step));
    }

    public Path trainingStateFile(String runId, int step) {
        return partition(Table.TRAINING_STATE, runId).resolve(String.format("step-%08d.parquet", step));
    }

    // ---- writing

    /** Records a new run; fails if the run id is taken in this archive. */
    public void writeRun(RunInfo run) {
        ParquetFiles.writeAtomically(runFile(run.runId()), Table.RUNS, List.of(Rows.run(run)));
    }

    public void writeExamples(String runId, List<Example> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("run " + runId + ": no examples to write");
        }
        List<GenericRecord> rows = examples.stream().map(e -> Rows.example(runId, e)).toList();
        ParquetFiles.writeAtomically(examplesFile(runId), Table.EXAMPLES, rows);
    }

    public void writeMetrics(String runId, EpochMetrics metrics) {
        ParquetFiles.writeAtomically(metricsFile(runId, metrics.epoch()), Table.METRICS, List.of(Rows.metrics(runId, metrics)));
    }

    public void writeCheckpoint(Checkpoint checkpoint) {
        ParquetFiles.writeAtomically(checkpointFile(checkpoint.runId(), checkpoint.step()), Table.CHECKPOINTS,
                Rows.checkpoint(checkpoint, chunkElements));
    }

    public void writeTrainingState(TrainingState state) {
        ParquetFiles.writeAtomically(trainingStateFile(state.runId(), state.step()), Table.TRAINING_STATE,
                Rows.trainingState(state, chunkElements));
    }

    // ---- reading

    /** Run ids with a complete {@code runs} file, sorted. */
    public List<String> runIds() {
        Path dir = root.resolve(Table.RUNS.tableName());
        List<String> ids = new ArrayList<>();
        for (Path p : list(dir)) {
            String name = p.getFileName().toString();
            if (name.startsWith(PARTITION) && Files.isRegularFile(p.resolve("run.parquet"))) {
                ids.add(name.substring(PARTITION.length()));
            }
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    public RunInfo readRun(String runId) {
        Path file = runFile(runId);
        List<GenericRecord> rows = ParquetFiles.read(file, Table.RUNS);
        if (rows.size() != 1) {
            throw new ArchiveFormatException(file, "expected exactly one row, found " + rows.size());
        }
        RunInfo run = Rows.run(rows.get(0), file);
        if (!run.runId().equals(runId)) {
            throw new ArchiveFormatException(file, "row 0: run_id '" + run.runId() + "' does not match its directory");
        }
        return run;
    }

    public List<Example> readExamples(String runId) {
        Path file = examplesFile(runId);
        List<GenericRecord> rows = ParquetFiles.read(file, Table.EXAMPLES);
        List<Example> examples = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            examples.add(Rows.example(rows.get(r), file, r));
        }
        return examples;
    }

    /** Every logged epoch of the run, in epoch order. */
    public List<EpochMetrics> readMetrics(String runId) {
        List<EpochMetrics> out = new ArrayList<>();
        for (int epoch : numberedFiles(partition(Table.METRICS, runId), EPOCH_FILE)) {
            for (GenericRecord g : ParquetFiles.read(metricsFile(runId, epoch), Table.METRICS)) {
                out.add(Rows.metrics(g));
            }
        }
        return out;
    }

    /** Steps with a complete checkpoint file, ascending. Hidden temporary files of unfinished writes are ignored. */
    public List<Integer> checkpointSteps(String runId) {
        return numberedFiles(partition(Table.CHECKPOINTS, runId), STEP_FILE);
    }

    public Checkpoint readCheckpoint(String runId, int step) {
        Path file = checkpointFile(runId, step);
        Checkpoint c = Rows.checkpoint(ParquetFiles.read(file, Table.CHECKPOINTS), file);
        if (!c.runId().equals(runId) || c.step() != step) {
            throw new ArchiveFormatException(file, "holds " + c.runId() + "@" + c.step() + ", not " + runId + "@" + step);
        }
        return c;
    }

    /** Epochs with a complete metrics file, ascending. */
    public List<Integer> metricsEpochs(String runId) {
        return numberedFiles(partition(Table.METRICS, runId), EPOCH_FILE);
    }

    /** Steps with a complete training-state file, ascending. */
    public List<Integer> trainingStateSteps(String runId) {
        return numberedFiles(partition(Table.TRAINING_STATE, runId), STEP_FILE);
    }

    public TrainingState readTrainingState(String runId, int step) {
        Path file = trainingStateFile(runId, step);
        TrainingState s = Rows.trainingState(ParquetFiles.read(file, Table.TRAINING_STATE), file);
        if (!s.runId().equals(runId) || s.step() != step) {
            throw new ArchiveFormatException(file, "holds " + s.runId() + "@" + s.step() + ", not " + runId + "@" + step);
        }
        return s;
    }

    /** How far the run got, whether it is complete, and where it can resume. */
    public RunProgress progress(String runId) {
        RunInfo run = readRun(runId);
        List<Integer> checkpoints = checkpointSteps(runId);
        List<Integer> states = trainingStateSteps(runId);
        List<Integer> metrics = metricsEpochs(runId);
        int lastEpoch = Math.max(checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1),
                metrics.isEmpty() ? 0 : metrics.get(metrics.size() - 1));
        return new RunProgress(run, lastEpoch, checkpoints.contains(run.training().epochs()),
                run.training().evalEvery() > 0, resumeStep(checkpoints, states));
    }

    /**
     * The last step with both a checkpoint and its training state (0 when none): where a resumed run continues from.
     * From file names alone, so safe while the run is being written (files appear whole, by rename).
     */
    public int resumeStep(String runId) {
        return resumeStep(checkpointSteps(runId), trainingStateSteps(runId));
    }

    private static int resumeStep(List<Integer> checkpoints, List<Integer> states) {
        int resumeStep = 0;
        for (int step : checkpoints) {
            if (states.contains(step)) {
                resumeStep = step;
            }
        }
        return resumeStep;
    }

    private static List<Integer> numberedFiles(Path dir, Pattern pattern) {
        List<Integer> numbers = new ArrayList<>();
        for (Path p : list(dir)) {
            Matcher m = pattern.matcher(p.getFileName().toString());
            if (m.matches()) {
                numbers.add(Integer.parseInt(m.group(1)));
            }
        }
        numbers.sort(Comparator.naturalOrder());
        return numbers;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}

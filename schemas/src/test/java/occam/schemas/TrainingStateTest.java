package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training state beside each checkpoint, a run's progress, and runs rows written before their newest columns. */
class TrainingStateTest {

    @TempDir
    Path root;

    private static RunInfo statefulRun(String runId, ModelSpec spec) {
        return new RunInfo(runId, "add", Fixtures.P, 0.4, 10, 15, 7L, "ours", spec,
                new TrainingSettings(20, 5, 1e-3, 0.9, 0.98, 1e-8, 1.0, 0.1, 0.01, 10),
                "cpu()", "test", Instant.parse("2026-11-22T12:00:00Z"));
    }

    private static TrainingState state(String runId, int step) {
        Checkpoint m = Fixtures.checkpoint(runId, step, 11);
        Checkpoint v = Fixtures.checkpoint(runId, step, 12);
        return new TrainingState(runId, step, step * 2L, -1234567890123L, 42L, 1.25, m.tensors(), v.tensors());
    }

    @Test
    void stateRoundTripsThroughChunkedRows() {
        Archive archive = new Archive(root, 7); // small chunks: every buffer spans several rows
        TrainingState s = state("r1", 3);
        archive.writeTrainingState(s);
        TrainingState back = archive.readTrainingState("r1", 3);
        assertEquals(List.of(3), archive.trainingStateSteps("r1"));
        assertEquals(s.updateStep(), back.updateStep());
        assertEquals(s.batchOrderState(), back.batchOrderState());
        assertEquals(s.noiseSeed(), back.noiseSeed());
        assertEquals(s.elapsedSeconds(), back.elapsedSeconds());
        assertEquals(List.copyOf(s.firstMoments().keySet()), List.copyOf(back.firstMoments().keySet()));
        for (String name : s.firstMoments().keySet()) {
            assertArrayEquals(s.firstMoments().get(name).values(), back.firstMoments().get(name).values(), name);
            assertArrayEquals(s.secondMoments().get(name).values(), back.secondMoments().get(name).values(), name);
            assertArrayEquals(s.firstMoments().get(name).shape(), back.firstMoments().get(name).shape(), name);
        }
        // atomic and append-only like every archive file
        assertThrows(java.io.UncheckedIOException.class, () -> archive.writeTrainingState(s));
    }

    @Test
    void progressSaysCompleteResumableOrNot() {
        Archive archive = new Archive(root);
        archive.writeRun(statefulRun("fresh", Fixtures.TINY));
        assertEquals("stopped at epoch 0 of 20, resumable from the start", archive.progress("fresh").describe());

        archive.writeRun(statefulRun("half", Fixtures.TINY));
        for (int step : new int[] {1, 2, 3}) {
            archive.writeTrainingState(state("half", step));
            archive.writeCheckpoint(Fixtures.checkpoint("half", step, step));
        }
        archive.writeMetrics("half", Fixtures.metrics(4));
        RunProgress half = archive.progress("half");
        assertTrue(half.resumable());
        assertEquals(3, half.resumeStep());
        assertEquals("stopped at epoch 4 of 20, resumable from epoch 3", half.describe());

        archive.writeRun(statefulRun("done", Fixtures.TINY));
        archive.writeTrainingState(state("done", 20));
        archive.writeCheckpoint(Fixtures.checkpoint("done", 20, 20));
        assertTrue(archive.progress("done").complete());
        assertFalse(archive.progress("done").resumable());
        assertEquals("complete (20 epochs)", archive.progress("done").describe());

        // written before the trainer saved its state: eval_every is not recorded
        archive.writeRun(Fixtures.run("legacy"));
        archive.writeCheckpoint(Fixtures.checkpoint("legacy", 5, 5));
        RunProgress legacy = archive.progress("legacy");
        assertFalse(legacy.resumable());
        assertTrue(legacy.describe().contains("cannot be resumed"), legacy.describe());
    }

    @Test
    void runsRowsRecordThePositionTableAndEvalEvery() {
        Archive archive = new Archive(root);
        ModelSpec vocab = new ModelSpec(ModelSpec.ARCHITECTURE, Fixtures.P + 2, 4, 8, 2, 16, 1, ModelSpec.GELU_TANH,
                1e-6, 1e-9, Fixtures.P + 2);
        archive.writeRun(statefulRun("v", vocab));
        RunInfo back = archive.readRun("v");
        assertEquals(vocab, back.model());
        assertEquals(ModelSpec.PositionTable.VOCABULARY, back.model().positionTable());
        assertEquals(10, back.training().evalEvery());
    }

    /** Writes {@code run}'s runs file as occam did before position_rows and eval_every existed. */
    private static void writeOldRunsFile(Archive archive, RunInfo run) throws Exception {
        Schema current = Table.RUNS.schema();
        List<Schema.Field> oldFields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("position_rows") && !f.name().equals("eval_every")) {
                oldFields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema old = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, oldFields);
        GenericRecord full = Rows.run(run);
        GenericRecord row = new GenericData.Record(old);
        for (Schema.Field f : old.getFields()) {
            row.put(f.name(), full.get(f.name()));
        }
        Path file = archive.runFile(run.runId());
        Files.createDirectories(file.getParent());
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.output(file))
                .withSchema(old).withDataModel(GenericData.get()).build()) {
            w.write(row);
        }
    }

    /** A runs file written before position_rows and eval_every: still readable, 4 rows, not resumable. */
    @Test
    void runsFilesWithoutTheNewColumnsStayReadable() throws Exception {
        Archive archive = new Archive(root);
        writeOldRunsFile(archive, Fixtures.run("old"));
        RunInfo run = archive.readRun("old");
        assertEquals(Fixtures.TINY, run.model());
        assertEquals(4, run.model().positionRows());
        assertEquals(0, run.training().evalEvery());
        assertFalse(archive.progress("old").resumable());
    }

    /** DuckDB reads an archive mixing runs files from before and after the new columns (as the report does). */
    @Test
    void duckDbReadsOldAndNewRunsFilesTogether() throws Exception {
        Archive archive = new Archive(root);
        writeOldRunsFile(archive, Fixtures.run("a-old"));
        archive.writeRun(statefulRun("b-new", Fixtures.TINY));
        String glob = root.resolve("runs").toString() + "/*/*.parquet";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT run_id, seq_len, p FROM read_parquet('" + glob
                        + "', hive_partitioning = true) ORDER BY run_id")) {
            List<String> rows = new ArrayList<>();
            while (r.next()) {
                rows.add(r.getString(1) + ":" + r.getInt(2) + ":" + r.getInt(3));
            }
            assertEquals(List.of("a-old:4:5", "b-new:4:5"), rows);
        }
    }

    @Test
    void stateTensorsMustBeMoments() {
        TrainingState s = state("r", 1);
        assertThrows(IllegalArgumentException.class, () -> new TrainingState("r", 1, 2, 0, 0, 0, s.firstMoments(),
                Map.of("embed.token", s.secondMoments().get("embed.token"))));
    }
}

package occam.analysis.job;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import occam.analysis.engine.AnalysisSettings;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults a real archive meets, each quarantined with one reason, and counted in the summary. */
class InputFaultsTest {

    @TempDir
    Path dir;

    @Test
    void everyFaultIsQuarantinedOnceWithItsReason() throws Exception {
        Path root = dir.resolve("archive");
        Archive archive = new Archive(root, 40);
        InputChecksTest.writeRun(archive, "good", 10);
        for (int step = 1; step <= 2; step++) {
            archive.writeCheckpoint(new Checkpoint("good", step, step, InputChecksTest.tensors(step)));
        }
        // rows written by a newer occam, and rows of another step than the file name says
        rewrite(archive.checkpointFile("good", 1), "schema_version", lit(Table.SCHEMA_VERSION + 1));
        rewrite(archive.checkpointFile("good", 2), "step", lit(7));
        // a run whose runs row is missing, and a run without training examples
        archive.writeCheckpoint(new Checkpoint("ghost", 1, 1, InputChecksTest.tensors(3)));
        archive.writeCheckpoint(new Checkpoint("ghost", 2, 2, InputChecksTest.tensors(4)));
        InputChecksTest.writeRun(archive, "nosplit", 10);
        Files.delete(archive.examplesFile("nosplit"));
        archive.writeCheckpoint(new Checkpoint("nosplit", 1, 1, InputChecksTest.tensors(5)));
        // a run whose runs file is cut short
        InputChecksTest.writeRun(archive, "cut", 10);
        Path cutRun = archive.runFile("cut");
        byte[] whole = Files.readAllBytes(cutRun);
        Files.write(cutRun, java.util.Arrays.copyOf(whole, 200));
        archive.writeCheckpoint(new Checkpoint("cut", 1, 1, InputChecksTest.tensors(6)));

        Path out = dir.resolve("tables");
        AnalysisJob.Summary s = AnalysisJob.run(TestSpark.session(), new AnalysisJob.Config(List.of(root.toString()),
                out.toString(), List.of(), false, false, 1, AnalysisSettings.defaults().withSearch(2, 2, 1, 1)));
        assertEquals(6, s.checkpointsFound());
        assertEquals(0, s.analysed());
        assertEquals(6, s.quarantined(), "every checkpoint of the unknown runs counts");

        Map<String, String> rows = new TreeMap<>();
        for (Row r : TestSpark.session().read().parquet(out.resolve(Table.QUARANTINE.tableName()).toString())
                .collectAsList()) {
            String key = r.getAs("run_id") + "@" + (r.isNullAt(r.fieldIndex("step")) ? "*" : r.getAs("step")) + ":"
                    + r.getAs("check");
            assertEquals(null, rows.put(key, r.getAs("reason")), "one row per cause: " + key);
        }
        assertEquals(Map.of(
                "good@1:schema_version_known", "%d row(s) carry schema_version %d; this occam reads 1..%d: upgrade occam"
                        .formatted(rowCount(archive, "good", 1), Table.SCHEMA_VERSION + 1, Table.SCHEMA_VERSION),
                "good@2:keys_match_file", rowCount(archive, "good", 2) + " row(s) belong to another run or step than the file name says",
                "ghost@*:run_registered", "the run has checkpoints but no runs row (runs/run_id=ghost/run.parquet is missing)",
                "nosplit@*:split_present", "the run has no training examples in examples/run_id=nosplit",
                "cut@*:runs_row_readable", "the runs row cannot be read: " + new org.apache.hadoop.fs.Path(cutRun.toUri())
                        + ": not a whole Parquet file (no PAR1 at its end: truncated or damaged)"), rows);

        // a rerun finds them all done: quarantined under these settings
        AnalysisJob.Summary again = AnalysisJob.run(TestSpark.session(), new AnalysisJob.Config(List.of(root.toString()),
                out.toString(), List.of(), false, false, 1, AnalysisSettings.defaults().withSearch(2, 2, 1, 1)));
        assertEquals(6, again.alreadyDone());
        assertEquals(0, again.quarantined());
    }

    private static long rowCount(Archive archive, String run, int step) {
        return TestSpark.session().read().parquet(archive.checkpointFile(run, step).toString()).count();
    }

    /** The file rewritten by Spark's Parquet writer with one column replaced. */
    static void rewrite(Path file, String column, Column value) throws IOException {
        Path tmp = file.resolveSibling("_rewrite");
        TestSpark.session().read().parquet(file.toString()).withColumn(column, value).coalesce(1).write()
                .parquet(tmp.toString());
        try (Stream<Path> parts = Files.list(tmp)) {
            Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> left = Files.walk(tmp)) {
            left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import occam.analysis.engine.AnalysisSettings;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Table;
import occam.schemas.Tensor;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end on local[2,2] over a tiny run trained by the real trainer, plus bad checkpoints made from its
 * real tensors. The steps share one archive and one output root, in order: first analysis, rerun, a late
 * checkpoint, --force, new settings; an injected task failure runs on its own output root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalysisJobTest {

    static final String RUN = "add-none-s0";
    static final AnalysisSettings SETTINGS = AnalysisSettings.defaults().withSearch(3, 3, 1, 1);

    @TempDir
    static Path dir;
    static Path archiveRoot;
    static Path out;
    static Path heldBack;

    @BeforeAll
    static void trainAndBreak() throws Exception {
        archiveRoot = dir.resolve("archive");
        out = dir.resolve("tables");
        Trainer.run(TrainingConfig.builder(Task.ADD, Regime.NONE).p(11).epochs(4).seed(0).device(DeviceChoice.CPU)
                .threads(1).runId(RUN).out(archiveRoot).build());
        Archive archive = new Archive(archiveRoot);
        assertEquals(List.of(1, 2, 3, 4), archive.checkpointSteps(RUN));
        Checkpoint real = archive.readCheckpoint(RUN, 4);

        Map<String, Tensor> nan = copy(real);
        nan.get("layers.0.mlp.out.weight").values()[3] = Float.NaN;
        archive.writeCheckpoint(new Checkpoint(RUN, 100, 1, nan));
        Map<String, Tensor> missing = copy(real);
        missing.remove("output.bias");
        archive.writeCheckpoint(new Checkpoint(RUN, 101, 1, missing));
        archive.writeCheckpoint(new Checkpoint(RUN, 102, 1, copy(real)));
        Path truncated = archive.checkpointFile(RUN, 102);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));

        // step 4 arrives late: held back until the "late checkpoint" step
        heldBack = dir.resolve("step-4.parquet");
        Files.move(archive.checkpointFile(RUN, 4), heldBack);
    }

    private static Map<String, Tensor> copy(Checkpoint c) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        c.tensors().forEach((k, t) -> out.put(k, new Tensor(t.shape(), t.values().clone())));
        return out;
    }

    static AnalysisJob.Summary analyze(Path output, AnalysisSettings settings, boolean force, String failOnceAt) {
        AnalysisJob.Config config = new AnalysisJob.Config(List.of(archiveRoot.toString()), output.toString(), List.of(),
                force, false, 1, settings);
        return failOnceAt.isEmpty() ? AnalysisJob.run(TestSpark.session(), config)
                : AnalysisJob.run(TestSpark.session(), config, failingOnce(failOnceAt));
    }

    /** The engine, except that the first attempt of {@code key}'s task dies: Spark must retry it. */
    static EngineAdapter.Engine failingOnce(String key) {
        return (run, checkpoint, settings, threads) -> {
            if ((checkpoint.runId() + "@" + checkpoint.step()).equals(key)
                    && org.apache.spark.TaskContext.get().attemptNumber() == 0) {
                throw new IllegalStateException("injected fault in " + key + " (first attempt)");
            }
            return EngineAdapter.ENGINE.analyze(run, checkpoint, settings, threads);
        };
    }

    @Test
    @Order(1)
    void firstAnalysisWritesEveryTableAndQuarantinesTheBadCheckpoints() throws Exception {
        AnalysisJob.Summary s = analyze(out, SETTINGS, false, "");
        assertEquals(6, s.checkpointsFound());
        assertEquals(3, s.analysed());
        assertEquals(3, s.quarantined());

        for (Table t : OutputStore.TABLES) {
            Map<String, String> expected = new TreeMap<>();
            for (Schema.Field f : t.schema().getFields()) {
                expected.put(f.name(), duckType(f.schema()));
            }
            assertEquals(expected, describe(t), t.tableName());
        }
        int eps = SETTINGS.epsilons().size();
        // a row per checkpoint, epsilon and codec (paper, integer); a fit per checkpoint and codec
        assertEquals(3 * eps * 2, count(Table.COMPLEXITY, "true"));
        assertEquals(3 * eps, count(Table.COMPLEXITY, "codec = 'integer'"));
        assertEquals(3, count(Table.BASELINES, "true"));
        assertEquals(3 * 2, count(Table.RATE_DISTORTION_FITS, "true"));
        assertEquals(count(Table.COMPLEXITY, "source = 'search'"), count(Table.COARSE_MODELS, "true"),
                "every searched best's message is stored");
        assertEquals(3 * eps * 9, count(Table.SPECTRA, "true"));
        // one level over the taus 0, 0.5, 1: tau = 1 (Algorithm 2, phase quantization) is measured at deltaMin and,
        // since the checkpoint itself fits, at deltaMax, then bisected 3 times per epsilon; tau 0 fails everything at
        // deltaMin; a refinement step per epsilon adds its own configuration (each at least its deltaMin point)
        assertTrue(count(Table.EVALUATIONS, "phase = 'quantization'") >= 3 * 5L, "both ends and three bisections");
        assertTrue(count(Table.EVALUATIONS, "phase = 'quantization'") <= 3 * (2L + 3 * eps));
        assertTrue(count(Table.EVALUATIONS, "phase = 'grid'") >= 3 * 2L, "tau 0 and 0.5");
        assertTrue(count(Table.EVALUATIONS, "phase = 'refine'") <= 3L * eps * 9, "at most one configuration per epsilon");
        assertEquals(count(Table.EVALUATIONS, "true"), count(Table.EVALUATIONS, "level = 0"), "one level");
        assertEquals(0, count(Table.EVALUATIONS, "smallest_valid_epsilon IS NULL AND compressed_bytes IS NOT NULL"),
                "only models that meet an epsilon are compressed");
        Map<Integer, String> quarantined = new TreeMap<>();
        for (List<String> r : rows(Table.QUARANTINE, "step, \"check\", reason")) {
            quarantined.put(Integer.parseInt(value(r.get(0))), value(r.get(1)) + ": " + value(r.get(2)));
        }
        assertEquals(Map.of(
                100, "values_finite: tensor layers.0.mlp.out.weight has NaN or Inf values in 1 chunk(s)",
                101, "tensor_present: tensor output.bias 13 is missing",
                102, "readable: no row could be read: the file is not a readable Parquet file (truncated or corrupt?)"),
                quarantined);
    }

    @Test
    @Order(2)
    void rerunFindsNoWorkAndChangesNothing() throws Exception {
        Map<Path, byte[]> before = files(out);
        AnalysisJob.Summary s = analyze(out, SETTINGS, false, "");
        assertTrue(s.noWork());
        assertEquals(6, s.alreadyDone());
        Map<Path, byte[]> after = files(out);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((p, b) -> assertTrue(java.util.Arrays.equals(b, after.get(p)), p.toString()));
    }

    @Test
    @Order(3)
    void aLateCheckpointIsAnalysedAlone() throws Exception {
        Map<Table, List<List<String>>> before = dump();
        Files.move(heldBack, new Archive(archiveRoot).checkpointFile(RUN, 4));
        AnalysisJob.Summary s = analyze(out, SETTINGS, false, "");
        assertEquals(1, s.analysed());
        assertEquals(0, s.quarantined());
        assertEquals(6, s.alreadyDone());
        Map<Table, List<List<String>>> after = dump();
        for (Table t : OutputStore.TABLES) {
            List<List<String>> old = after.get(t).stream().filter(r -> !r.contains("step=4")).toList();
            assertEquals(before.get(t), old, t.tableName() + ": rows of other checkpoints unchanged");
        }
        assertEquals(4 * SETTINGS.epsilons().size() * 2, count(Table.COMPLEXITY, "true"));
    }

    @Test
    @Order(4)
    void forceRecomputesTheSameNumbers() throws Exception {
        Map<Table, List<List<String>>> before = dump();
        AnalysisJob.Summary s = analyze(out, SETTINGS, true, "");
        assertEquals(4, s.analysed());
        assertEquals(3, s.quarantined());
        assertEquals(before, dump());
    }

    @Test
    @Order(5)
    void newSettingsAddRowsBesideTheOldOnes() throws Exception {
        AnalysisSettings other = SETTINGS.withEpsilons(List.of(1.0, 0.5));
        assertNotEquals(SETTINGS.hash(), other.hash());
        AnalysisJob.Summary s = analyze(out, other, false, "");
        assertEquals(4, s.analysed());
        assertEquals(4 * SETTINGS.epsilons().size() * 2, count(Table.COMPLEXITY, "settings_hash = '" + SETTINGS.hash() + "'"));
        assertEquals(4 * 2 * 2, count(Table.COMPLEXITY, "settings_hash = '" + other.hash() + "'"));
    }

    @Test
    @Order(6)
    void aTaskThatFailsOnceIsRetriedAndGivesTheSameTables() throws Exception {
        Path retried = dir.resolve("retried");
        AnalysisJob.Summary s = analyze(retried, SETTINGS, false, RUN + "@2");
        assertEquals(4, s.analysed());
        Map<Table, List<List<String>>> clean = dump(out, "settings_hash = '" + SETTINGS.hash() + "'");
        assertEquals(clean, dump(retried, "true"));
    }

    @Test
    @Order(7)
    void aTaskThatAlwaysFailsFailsTheSearchAndARerunCompletesTheTables() throws Exception {
        Path failed = dir.resolve("failed");
        String key = RUN + "@2";
        EngineAdapter.Engine broken = (run, checkpoint, settings, threads) -> {
            if ((checkpoint.runId() + "@" + checkpoint.step()).equals(key)) {
                throw new IllegalStateException("injected fault in " + key + " (every attempt)");
            }
            return EngineAdapter.ENGINE.analyze(run, checkpoint, settings, threads);
        };
        AnalysisJob.Config config = new AnalysisJob.Config(List.of(archiveRoot.toString()), failed.toString(), List.of(),
                false, false, 1, SETTINGS);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AnalysisJob.run(TestSpark.session(), config, broken));
        assertTrue(e.getMessage().startsWith("the search failed: ") && e.getMessage().contains("injected fault in " + key),
                e.getMessage());
        // what finished before the failure was committed (which ones depends on timing: a task still running when
        // the search fails is cancelled); the rerun analyses the rest and the tables are those of a clean run
        AnalysisJob.Summary rerun = AnalysisJob.run(TestSpark.session(), config);
        assertTrue(rerun.analysed() >= 1 && rerun.quarantined() == 0, rerun.describe());
        assertEquals(dump(out, "settings_hash = '" + SETTINGS.hash() + "'"), dump(failed, "true"));
    }

    @Test
    @Order(8)
    void outputChecksRefuseBrokenRows() {
        var spark = TestSpark.session();
        Map<Table, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> good = new java.util.EnumMap<>(Table.class);
        for (Table t : OutputStore.TABLES) {
            good.put(t, spark.read().schema(SparkSchemas.structType(t)).parquet(out.resolve(t.tableName()).toString())
                    .where("settings_hash = '" + SETTINGS.hash() + "'"));
        }
        assertEquals(List.of(), OutputChecks.failures(spark, good, SETTINGS.epsilons()));

        Map<Table, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> bad = new java.util.EnumMap<>(good);
        bad.put(Table.COMPLEXITY, good.get(Table.COMPLEXITY)
                .where("NOT (step = 2 AND epsilon = 0.5)") // a missing row
                .withColumn("loss_increase_nats", org.apache.spark.sql.functions.expr(
                        "CASE WHEN step = 3 AND epsilon = 1.0 THEN 1.5 ELSE loss_increase_nats END"))); // over its bound
        assertEquals(List.of("complexity_meets_bound (complexity)",
                "complexity_one_row_per_epsilon (complexity per checkpoint)"),
                OutputChecks.failures(spark, bad, SETTINGS.epsilons()));
    }

    // ---- helpers: DuckDB as the independent reader

    private static String glob(Path root, Table t) {
        return "read_parquet('" + root + "/" + t.tableName() + "/*/*.parquet', hive_partitioning = true)";
    }

    private static Map<String, String> describe(Table t) throws Exception {
        Map<String, String> cols = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + glob(out, t))) {
            while (rs.next()) {
                cols.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return cols;
    }

    private static String duckType(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            s = s.getTypes().stream().filter(x -> x.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        return switch (s.getType()) {
            case INT -> "INTEGER";
            case LONG -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> "VARCHAR";
            case BYTES -> "BLOB";
            default -> throw new IllegalArgumentException(s.toString());
        };
    }

    private static long count(Table t, String where) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + glob(out, t) + " WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The value of a "column=value" cell. */
    private static String value(String cell) {
        return cell.substring(cell.indexOf('=') + 1);
    }

    private static List<List<String>> rows(Table t, String columns) throws Exception {
        return query("SELECT " + columns + " FROM " + glob(out, t) + " ORDER BY ALL");
    }

    private static List<List<String>> query(String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(md.getColumnName(i) + "=" + rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Every row of every table, as text, in a fixed order. */
    private static Map<Table, List<List<String>>> dump() throws Exception {
        return dump(out, "true");
    }

    private static Map<Table, List<List<String>>> dump(Path root, String where) throws Exception {
        Map<Table, List<List<String>>> all = new LinkedHashMap<>();
        for (Table t : OutputStore.TABLES) {
            String cols = t.schema().getFields().stream().map(f -> "\"" + f.name() + "\"").collect(Collectors.joining(", "));
            all.put(t, query("SELECT " + cols + " FROM " + glob(root, t) + " WHERE " + where + " ORDER BY ALL"));
        }
        return all;
    }

    private static Map<Path, byte[]> files(Path root) throws Exception {
        Map<Path, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p), Files.readAllBytes(p));
            }
        }
        return out;
    }
}

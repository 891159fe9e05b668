package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.engine.TestModels;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Table;
import occam.schemas.RunInfo;
import occam.schemas.Tensor;
import occam.schemas.TrainingSettings;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output table of a fixed archive, value for value, against tables written by an earlier build: a refactoring
 * must leave them equal bit for bit. The archive is built from seeded Java weights (no trainer, so the same on any
 * machine). When results change on purpose, rewrite the golden files with
 * {@code mvn -pl analysis-spark/job test -Dtest=GoldenTablesTest -Doccam.golden.write=true} and say why in the commit.
 */
class GoldenTablesTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden-tables");
    static final AnalysisSettings SETTINGS = AnalysisSettings.defaults().withSearch(3, 3, 2, 1);

    @TempDir
    Path dir;

    @Test
    void outputTablesEqualTheGoldenOnes() throws IOException {
        Path archiveRoot = dir.resolve("archive");
        Path out = dir.resolve("tables");
        writeArchive(archiveRoot);
        AnalysisJob.run(TestSpark.session(), new AnalysisJob.Config(List.of(archiveRoot.toString()), out.toString(),
                List.of(), false, false, 1, SETTINGS));

        boolean write = Boolean.getBoolean("occam.golden.write");
        for (Table table : OutputStore.TABLES) {
            String actual = dump(out.resolve(table.tableName())).replace(archiveRoot.toUri().toString(), "ARCHIVE/")
                    .replace(archiveRoot.toString(), "ARCHIVE");
            Path golden = GOLDEN.resolve(table.tableName() + ".tsv");
            if (write) {
                Files.createDirectories(GOLDEN);
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, table.tableName());
        }
    }

    /** Two 1-layer teacher checkpoints and a 2-layer one, each run with its split, plus one NaN checkpoint. */
    static void writeArchive(Path root) {
        Archive archive = new Archive(root);
        List<Example> split = TestModels.addition(7, false);
        for (int layers = 1; layers <= 2; layers++) {
            ModelSpec spec = TestModels.tiny(layers);
            String run = "golden-l" + layers;
            int nTrain = (int) split.stream().filter(Example::train).count();
            archive.writeRun(new RunInfo(run, "add", 7, 0.67, nTrain, split.size() - nTrain, 0, "ours", spec,
                    new TrainingSettings(10, 8, 1e-3, 0.9, 0.98, 1e-8, 1.0, 0.1, 0.01), "cpu()", "test",
                    Instant.parse("2026-11-22T12:00:00Z")));
            for (int step : layers == 1 ? new int[] {1, 5} : new int[] {3}) {
                TestModels.Teacher t = TestModels.teacher(spec, run, step, 17L * step + layers, 3f, split);
                archive.writeCheckpoint(t.checkpoint());
                if (step == (layers == 1 ? 1 : 3)) {
                    archive.writeExamples(run, t.examples());
                }
            }
        }
        Checkpoint good = archive.readCheckpoint("golden-l1", 5);
        Map<String, Tensor> nan = new TreeMap<>();
        good.tensors().forEach((k, v) -> nan.put(k, new Tensor(v.shape(), v.values().clone())));
        nan.get("output.weight").values()[0] = Float.NaN;
        archive.writeCheckpoint(new Checkpoint("golden-l1", 9, 27, nan));
    }

    static String sha256(byte[] bytes) {
        try {
            return bytes.length + " bytes, sha256 " + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per row, columns by name, doubles in hex so equal text means equal bits; lines sorted. */
    static String dump(Path table) throws IOException {
        boolean hasFiles;
        try (var files = Files.isDirectory(table) ? Files.walk(table) : java.util.stream.Stream.<Path>empty()) {
            hasFiles = files.anyMatch(f -> f.toString().endsWith(".parquet"));
        }
        if (!hasFiles) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (Row row : TestSpark.session().read().parquet(table.toString()).collectAsList()) {
            Map<String, String> cells = new TreeMap<>();
            for (StructField f : row.schema().fields()) {
                Object v = row.get(row.fieldIndex(f.name()));
                cells.put(f.name(), v instanceof Double d ? Double.toHexString(d)
                        : v instanceof Float x ? Float.toHexString(x) : v instanceof byte[] b ? sha256(b) : String.valueOf(v));
            }
            lines.add(cells.toString());
        }
        lines.sort(null);
        return String.join("\n", lines) + "\n";
    }
}

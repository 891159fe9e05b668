package occam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of {@code occam import}: one occam run's weights written by torch.save (a plain state dict,
 * and one nested under 'model' with PyTorch names), to safetensors and by numpy.savez with the authors' Flax names
 * (the fixtures of the training module, made by its make_fixtures.py) import to runs whose analysis tables equal
 * those of the run as occam's trainer wrote it, row for row.
 */
class ImportAnalysisTest {

    /** The training module's fixtures; tests run in the module's directory. */
    private static final Path FIXTURES = Path.of("..", "training", "src", "test", "resources", "imports");

    @TempDir
    Path dir;

    @Test
    void importedCheckpointsAnalyseExactlyLikeTheTrainersOwn() throws Exception {
        Path original = dir.resolve("original");
        copyTree(FIXTURES.resolve("original"), original);
        Path imported = dir.resolve("imported");
        String[][] imports = {
            {"pt", FIXTURES.resolve("pt/epoch_1.pt").toString()},
            {"nested", FIXTURES.resolve("pt-nested").toString(), "--mapping", FIXTURES.resolve("pt-nested/torch_mapping.json").toString()},
            {"st", FIXTURES.resolve("safetensors").toString()},
            {"npz", FIXTURES.resolve("npz/params_1.npz").toString()},
        };
        for (String[] i : imports) {
            List<String> args = new ArrayList<>(List.of("import", "--task", "add", "--p", "23", "--regime", "none",
                    "--seed", "0", "--quiet", "--out", imported.toString(), "--run-id", i[0]));
            args.addAll(List.of(i).subList(1, i.length));
            assertEquals(0, Occam.commandLine().execute(args.toArray(String[]::new)), i[0]);
        }
        Path tables = dir.resolve("tables");
        assertEquals(0, Occam.commandLine().execute("analyze", "-i", original.toString(), "-i", imported.toString(),
                "-o", tables.toString(), "--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "0", "--master", "local[2]"));

        for (String table : List.of("complexity", "baselines")) {
            List<String> expected = rows(tables, table, "original");
            assertFalse(expected.isEmpty(), table + " has rows for the original run");
            for (String[] i : imports) {
                assertEquals(expected, rows(tables, table, i[0]), table + " of run " + i[0]);
            }
        }

        // an archive of imported runs only has no metrics (no accuracy curves), and the report still draws it
        Path importedTables = dir.resolve("imported-tables");
        Path report = dir.resolve("report");
        assertEquals(0, Occam.commandLine().execute("analyze", "-i", imported.toString(), "-o", importedTables.toString(),
                "--runs", "pt", "--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "0",
                "--master", "local[2]"));
        assertEquals(0, Occam.commandLine().execute("report", "-a", imported.toString(), "-t", importedTables.toString(),
                "-o", report.toString()));
        assertTrue(Files.isRegularFile(report.resolve("complexity-pt.png")));
    }

    /** Every row of one run in an output table, every column but run_id, as text, in a fixed order. */
    private static List<String> rows(Path tables, String table, String runId) throws SQLException {
        String source = "read_parquet('" + tables.resolve(table) + "/*/*.parquet', hive_partitioning = true)";
        List<String> rows = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT * EXCLUDE (run_id) FROM " + source + " WHERE run_id = '" + runId
                        + "' ORDER BY ALL")) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    row.append(meta.getColumnName(c)).append('=').append(r.getString(c)).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}

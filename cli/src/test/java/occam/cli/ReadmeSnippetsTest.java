package occam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Table;
import occam.schemas.Tensor;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's DuckDB snippets ("The tables"), run as written on outputs analysed with two settings: each reads
 * one run under one settings hash, gives the same rows as on an output holding that hash alone, and works whether
 * or not anything was quarantined.
 */
class ReadmeSnippetsTest {

    static final String RUN = "add-ours-s0";
    static final List<String> SEARCH = List.of("--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "0",
            "--master", "local[2]");

    @TempDir
    static Path dir;
    static Path archive;
    /** Two settings hashes, nothing quarantined. */
    static Path clean;
    /** The same plus a poisoned checkpoint in quarantine. */
    static Path dirty;
    static List<String> hashes;

    @BeforeAll
    static void analyseTwice() throws Exception {
        archive = dir.resolve("archive");
        clean = dir.resolve("clean");
        dirty = dir.resolve("dirty");
        Trainer.run(TrainingConfig.builder(Task.ADD, Regime.OURS).p(11).epochs(3).seed(0).device(DeviceChoice.CPU)
                .threads(1).runId(RUN).out(archive).build());
        assertEquals(0, analyze(clean));
        assertEquals(0, analyze(clean, "--epsilons", "1,0.5"));
        hashes = strings("SELECT DISTINCT settings_hash FROM " + scan(clean, Table.COMPLEXITY) + " ORDER BY 1");
        assertEquals(2, hashes.size(), "two settings hashes");
        assertFalse(Files.exists(clean.resolve("quarantine")) && hasParquet(clean.resolve("quarantine")),
                "nothing quarantined in the clean output");

        copy(clean, dirty);
        Archive a = new Archive(archive);
        Map<String, Tensor> poisoned = new LinkedHashMap<>();
        a.readCheckpoint(RUN, 3).tensors().forEach((k, t) -> poisoned.put(k, new Tensor(t.shape(), t.values().clone())));
        poisoned.get("output.weight").values()[0] = Float.NaN;
        a.writeCheckpoint(new Checkpoint(RUN, 9, 9, poisoned));
        analyze(dirty); // only the new checkpoint, quarantined (the status says whether that counts as work done)
        assertTrue(hasParquet(dirty.resolve("quarantine")), "the poisoned checkpoint is quarantined");
    }

    private static int analyze(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("analyze", "-i", archive.toString(), "-o", out.toString()));
        args.addAll(SEARCH);
        args.addAll(List.of(extra));
        return Occam.commandLine().execute(args.toArray(String[]::new));
    }

    static List<String> snippets() throws Exception {
        Matcher m = Pattern.compile("<!-- duckdb-tables -->\\s*```sql\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("../README.md")));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everySnippetReadsOneRunUnderOneHashAndTheSameRowsAsAnOutputWithThatHashAlone() throws Exception {
        List<String> snippets = snippets();
        TreeSet<String> tablesRead = new TreeSet<>();
        for (String snippet : snippets) {
            assertTrue(snippet.contains("'" + RUN + "'") && snippet.contains("SETTINGS_HASH"),
                    "names its run and one settings hash:\n" + snippet);
            boolean quarantine = snippet.contains("/quarantine/");
            for (String hash : hashes) {
                Path alone = dir.resolve("alone-" + hash);
                if (!Files.exists(alone)) {
                    keepOnly(clean, hash, alone);
                }
                List<List<String>> both = run(snippet, clean, hash);
                assertEquals(run(snippet, alone, hash), both, "the other hash changes nothing:\n" + snippet);
                assertEquals(quarantine, both.isEmpty(), "rows (none from quarantine on a clean output):\n" + snippet);
                List<List<String>> withQuarantine = run(snippet, dirty, hash);
                if (quarantine) {
                    assertEquals(hash.equals(hashes.get(analysedFirst())) ? 1 : 0, withQuarantine.size(), snippet);
                } else {
                    assertFalse(withQuarantine.isEmpty(), snippet);
                }
            }
            for (Table t : Table.values()) {
                if (snippet.contains("/" + t.tableName() + "/")) {
                    tablesRead.add(t.tableName());
                }
            }
        }
        TreeSet<String> outputTables = new TreeSet<>();
        for (Table t : Table.values()) {
            // claims is written by occam report, not by analyze: its snippet-free description is in schemas/README.md
            if (t.schema().getField("settings_hash") != null && t != Table.CLAIMS) {
                outputTables.add(t.tableName());
            }
        }
        assertTrue(tablesRead.containsAll(outputTables), "the README reads every output table: " + tablesRead);
    }

    @Test
    void theQuarantineSnippetSaysWhichCheckFailed() throws Exception {
        String snippet = snippets().stream().filter(s -> s.contains("/quarantine/")).findFirst().orElseThrow();
        List<List<String>> rows = run(snippet, dirty, hashes.get(analysedFirst()));
        assertEquals(1, rows.size());
        assertEquals("step=9", rows.get(0).get(0));
        assertEquals("check=values_finite", rows.get(0).get(1));
    }

    /** The index in {@link #hashes} of the default settings (the first analysis, the one the dirty output reran). */
    private static int analysedFirst() throws Exception {
        List<String> eps = strings("SELECT DISTINCT settings_hash FROM " + scan(clean, Table.COMPLEXITY)
                + " WHERE epsilon = 4.0");
        return hashes.indexOf(eps.get(0));
    }

    // ---- helpers: DuckDB

    private static List<List<String>> run(String snippet, Path tables, String hash) throws Exception {
        String sql = snippet.replace("/path/to/tables", tables.toString()).replace("/path/to/archive", archive.toString())
                .replace("SETTINGS_HASH", hash);
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
            String[] statements = sql.strip().split(";\\s*\\n");
            for (int i = 0; i < statements.length; i++) {
                try (Statement s = c.createStatement()) {
                    if (i < statements.length - 1) {
                        s.execute(statements[i]);
                        continue;
                    }
                    try (ResultSet rs = s.executeQuery(statements[i].replaceAll(";\\s*$", ""))) {
                        ResultSetMetaData md = rs.getMetaData();
                        while (rs.next()) {
                            List<String> row = new ArrayList<>();
                            for (int k = 1; k <= md.getColumnCount(); k++) {
                                row.add(md.getColumnName(k) + "=" + rs.getString(k));
                            }
                            rows.add(row);
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static List<String> strings(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String scan(Path root, Table t) {
        return "read_parquet('" + root.resolve(t.tableName()) + "/*/*.parquet', hive_partitioning = true)";
    }

    /** The output tables of {@code from} with only the rows of one hash, written as the job lays them out. */
    private static void keepOnly(Path from, String hash, Path to) throws Exception {
        Files.createDirectories(to);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (Table t : Table.values()) {
                if (t.schema().getField("settings_hash") != null && hasParquet(from.resolve(t.tableName()))) {
                    s.execute("COPY (SELECT * FROM " + scan(from, t) + " WHERE settings_hash = '" + hash + "') TO '"
                            + to.resolve(t.tableName()) + "' (FORMAT parquet, PARTITION_BY (run_id))");
                }
            }
        }
    }

    private static boolean hasParquet(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".parquet"));
        }
    }

    private static void copy(Path from, Path to) throws Exception {
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

package occam.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import occam.cli.Occam;
import occam.schemas.Archive;
import occam.schemas.EpochMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Real sweeps through {@code occam sweep}: child JVMs training p = 7, the embedded Spark analysis, the report. */
class SweepEndToEndTest {

    private static final List<String> RUNS = List.of("add-none-s0", "add-ours-s0", "add-none-s1", "add-ours-s1");

    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) {

        /** The final table's rows by run id: status, epochs, memorization, generalization, wall time. */
        Map<String, List<String>> table() {
            Map<String, List<String>> rows = new LinkedHashMap<>();
            List<String> lines = out.lines().toList();
            int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("run ")).findFirst().orElseThrow());
            for (String line : lines.subList(header + 1, lines.size())) {
                if (line.isBlank() || !line.matches("^[a-z0-9]+-[a-z]+-s\\d+ .*")) {
                    break;
                }
                List<String> cells = Arrays.asList(line.split(" {2,}"));
                rows.put(cells.get(0), cells.subList(1, cells.size()));
            }
            return rows;
        }
    }

    private static Outcome sweep(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Occam()); // the command as registered in occam
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("sweep"));
        all.addAll(args);
        int status = cli.execute(all.toArray(String[]::new));
        System.err.print(err); // the sweep's own output, for a failing test's report
        System.out.print(out);
        return new Outcome(status, out.toString(), err.toString());
    }

    @Test
    void aSmallGridTrainsAnalysesAndReportsAndASecondSweepTrainsNothing() throws Exception {
        Path out = dir.resolve("sweep");
        List<String> grid = List.of("--tasks", "add", "--regimes", "none,ours", "--seeds", "0,1", "--epochs", "6",
                "--out", out.toString(), "--parallel", "2");
        List<String> analysis = List.of("--master", "local[2]",
                "--analyze-options=--grid-taus 2 --bisection-steps 2 --search-levels 1 --refine-steps 1 --epsilons 1,0.5");
        List<String> first = new ArrayList<>(grid);
        first.addAll(analysis);
        first.addAll(List.of("--", "--p", "7"));
        Outcome o = sweep(first);
        assertEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("4/4 runs done"), "progress: " + o.err());

        Archive archive = new Archive(out.resolve("archive"));
        assertEquals(RUNS.stream().sorted().toList(), archive.runIds());
        Map<String, List<String>> table = o.table();
        assertEquals(RUNS, List.copyOf(table.keySet()), o.out());
        for (String run : RUNS) {
            List<String> row = table.get(run);
            assertEquals(List.of("trained", "6/6"), row.subList(0, 2), run);
            List<EpochMetrics> metrics = archive.readMetrics(run);
            assertEquals(6, metrics.get(metrics.size() - 1).epoch());
            assertEquals(firstEpoch(metrics, true), row.get(2), run + " memorization");
            assertEquals(firstEpoch(metrics, false), row.get(3), run + " generalization");
            assertTrue(row.get(4).matches("\\d+ s|\\d+ min \\d\\d s"), row.get(4));
            assertTrue(Files.readString(out.resolve("logs").resolve(run + ".log")).startsWith("# occam sweep, "));
        }

        // the analysis: every checkpoint (epochs 1, 2, 3, 4, 6) of every run at both epsilons
        Map<String, Integer> complexityRows = new TreeMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT run_id, count(*) FROM read_parquet('" + out.resolve("tables/complexity")
                        + "/*/*.parquet', hive_partitioning = true) GROUP BY run_id")) {
            while (r.next()) {
                complexityRows.put(r.getString(1), r.getInt(2));
            }
        }
        Map<String, Integer> expected = new TreeMap<>();
        RUNS.forEach(run -> expected.put(run, archive.checkpointSteps(run).size() * 2 * 2)); // 2 epsilons x 2 codecs
        assertEquals(expected, complexityRows);
        assertEquals(List.of(1, 2, 3, 4, 6), archive.checkpointSteps("add-ours-s1"));
        String index = Files.readString(out.resolve("report/index.html"));
        for (String run : RUNS) {
            assertTrue(index.contains("<td>" + run + "</td>"), run + " has a summary row in the report");
        }

        // the same sweep again: every run is complete, nothing is trained or written
        Map<Path, Long> before = archiveFiles(out.resolve("archive"));
        List<String> again = new ArrayList<>(grid);
        again.addAll(List.of("--no-analyze", "--", "--p", "7"));
        Outcome rerun = sweep(again);
        assertEquals(0, rerun.status(), rerun.err());
        for (String run : RUNS) {
            assertEquals(List.of("complete", "6/6"), rerun.table().get(run).subList(0, 2), run);
        }
        assertEquals(before, archiveFiles(out.resolve("archive")));
    }

    @Test
    void aFailedRunIsReportedWithItsLogAndTheOthersFinish() throws Exception {
        Path out = dir.resolve("failing");
        // the second grid's only run diverges (loss NaN at the first update): its child JVM exits 1
        Outcome o = sweep(List.of("--tasks", "add", "--regimes", "none", "--seeds", "5", "--epochs", "3",
                "--tasks", "add", "--regimes", "none", "--seeds", "6", "--epochs", "3", "--train-options=--lr 1e30",
                "--out", out.toString(), "--parallel", "2", "--no-analyze", "--", "--p", "7"));
        assertEquals(1, o.status(), o.err());
        assertEquals(List.of("trained", "3/3"), o.table().get("add-none-s5").subList(0, 2));
        assertEquals("failed (exit 1)", o.table().get("add-none-s6").get(0));
        assertTrue(o.err().contains("add-none-s6 failed (exit 1) after "), o.err());
        assertTrue(o.err().contains("run add-none-s6: loss is NaN at epoch 1"), "the log's last lines: " + o.err());
        assertTrue(o.err().strip().endsWith(
                "1 of 2 runs failed: add-none-s6 (their logs are in " + out.resolve("logs") + ")"), o.err());
        List<EpochMetrics> finished = new Archive(out.resolve("archive")).readMetrics("add-none-s5");
        assertEquals(3, finished.get(finished.size() - 1).epoch(), "the other run trained to its end");
    }

    private static String firstEpoch(List<EpochMetrics> metrics, boolean train) {
        return metrics.stream().filter(m -> (train ? m.trainAccuracy() : m.testAccuracy()) >= 0.99)
                .map(m -> Integer.toString(m.epoch())).findFirst().orElse("never");
    }

    /** Every file of the archive with its modification time. */
    private static Map<Path, Long> archiveFiles(Path root) throws IOException {
        Map<Path, Long> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p), Files.getLastModifiedTime(p).toMillis());
            }
        }
        return files;
    }
}

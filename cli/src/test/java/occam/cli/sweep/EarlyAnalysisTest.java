package occam.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import occam.cli.Occam;
import occam.schemas.Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The early analysis of real sweeps: two short runs and a long one, two at a time, so that a slot idles while the
 * long one trains. Each run's epochs at p = 31 with batch size 1 (192 updates) take seconds, so the long run lasts
 * long enough for the early analysis to start and commit, with few checkpoints to analyse.
 */
class EarlyAnalysisTest {

    /** A small search at one epsilon. */
    private static final List<String> TINY_SEARCH =
            List.of("--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "1", "--epsilons", "1");

    private static final Pattern ENDED =
            Pattern.compile("early analysis (finished|stopped) after [^:]+: (\\d+) checkpoint\\(s\\) committed");

    @TempDir
    Path dir;

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome sweep(SweepCommand command, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Occam.commandLine(command);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args.toArray(String[]::new));
        System.err.print(err); // the sweep's own output, for a failing test's report
        System.out.print(out);
        return new Outcome(status, out.toString(), err.toString());
    }

    /**
     * none and wd (seed 0) for {@code shortEpochs}, then wd seed 1 for {@code longEpochs}, at p = 31, two at a time.
     * The long run is one training thread, so a core is idle for the early analysis, which runs at the lowest
     * priority (ours' decomposition thread would keep both cores busy at batch size 1).
     */
    private static List<String> grid(Path out, int shortEpochs, int longEpochs) {
        return new ArrayList<>(List.of("--tasks", "add", "--regimes", "none,wd", "--epochs", String.valueOf(shortEpochs),
                "--tasks", "add", "--regimes", "wd", "--seeds", "1", "--epochs", String.valueOf(longEpochs),
                "--train-options=--batch-size 1", "--out", out.toString(), "--parallel", "2", "--master", "local[2]"));
    }

    @Test
    void theFinishedRunsAreAnalysedWhileTheLastTrainsAndTheTablesAreThoseOfOneAnalysis() throws Exception {
        Path out = dir.resolve("sweep");
        List<String> args = grid(out, 3, 100);
        args.addAll(List.of("--analyze-options=" + String.join(" ", TINY_SEARCH), "--no-report", "--", "--p", "31"));
        Outcome o = sweep(new SweepCommand(), args);
        assertEquals(0, o.status(), o.err());

        assertTrue(o.err().matches("(?s).*early analysis of 2 finished run\\(s\\) on \\d+ idle core\\(s\\) while 1 run\\(s\\)"
                + " train; log: " + Pattern.quote(out.resolve("logs/early-analysis.log").toString()) + "\n.*"), o.err());
        Matcher ended = ENDED.matcher(o.err());
        assertTrue(ended.find(), o.err());
        int committed = Integer.parseInt(ended.group(2));
        assertTrue(committed >= 1, "the early analysis committed checkpoints before the training ended: " + o.err());
        String log = Files.readString(out.resolve("logs/early-analysis.log"));
        assertTrue(log.startsWith("# occam sweep, "), log);
        assertTrue(log.contains("--master local["), log);
        assertTrue(log.matches("(?s).*--runs (add-none-s0,add-wd-s0|add-wd-s0,add-none-s0) .*"), "the finished runs: " + log);
        Matcher wave = Pattern.compile("committed to run\\(s\\) ([a-z0-9, -]+)").matcher(log);
        int waves = 0;
        while (wave.find()) {
            waves++;
            assertFalse(wave.group(1).contains("add-wd-s1"), "only finished runs: " + wave.group());
        }
        assertTrue(waves >= 1, log);

        // the final analysis skipped what the early one committed and did the rest
        Archive archive = new Archive(out.resolve("archive"));
        int checkpoints = archive.runIds().stream().mapToInt(r -> archive.checkpointSteps(r).size()).sum();
        assertEquals(3 + 3 + 16, checkpoints, "epochs 1, 2, 3 twice; 1, 2, 3, 4, 6, 8, 10, 13, 17, 23, 30, 39, 51, 66, 86, 100");
        assertTrue(o.out().contains("occam analyze: " + checkpoints + " checkpoint(s) found, " + committed
                + " already analysed (skipped), " + (checkpoints - committed) + " analysed"), o.out());

        // the same rows as one analysis of the whole archive (no overlap), every checkpoint for both codecs
        Path reference = dir.resolve("reference");
        List<String> analyze = new ArrayList<>(List.of("analyze", "-i", out.resolve("archive").toString(), "-o",
                reference.toString(), "--master", "local[2]"));
        analyze.addAll(TINY_SEARCH);
        assertEquals(0, Occam.commandLine(new Occam()).execute(analyze.toArray(String[]::new)));
        List<String> rows = complexityRows(out.resolve("tables"));
        assertEquals(checkpoints * 2, rows.size());
        assertEquals(complexityRows(reference), rows);
    }

    @Test
    void aFailedEarlyAnalysisIsReportedInOneLineAndTheSweepStillAnalysesEverything() throws Exception {
        Path out = dir.resolve("failing");
        SweepCommand command = new SweepCommand();
        command.earlyAnalysisCommand = args -> List.of("sh", "-c", "echo 'cannot analyse today'; exit 3");
        List<String> args = grid(out, 2, 4);
        args.addAll(List.of("--analyze-options=" + String.join(" ", TINY_SEARCH), "--no-report", "--", "--p", "31"));
        Outcome o = sweep(command, args);
        assertEquals(0, o.status(), "a failed early analysis does not fail the sweep: " + o.err());

        Path log = out.resolve("logs/early-analysis.log");
        List<String> failed = o.err().lines().filter(l -> l.contains("early analysis")).toList();
        assertEquals(2, failed.size(), "started, then failed, and nothing more: " + o.err());
        assertTrue(failed.get(1).matches("occam sweep: early analysis failed \\(exit 3\\) after \\d+ s, 0 checkpoint\\(s\\)"
                + " committed; the analysis after the training does the rest; its log: " + Pattern.quote(log.toString())),
                failed.get(1));
        assertTrue(Files.readString(log).contains("cannot analyse today"));

        Archive archive = new Archive(out.resolve("archive"));
        int checkpoints = archive.runIds().stream().mapToInt(r -> archive.checkpointSteps(r).size()).sum();
        assertEquals(2 + 2 + 4, checkpoints);
        assertEquals(checkpoints * 2, complexityRows(out.resolve("tables")).size(), "every checkpoint, 2 codecs");
    }

    @Test
    void aSweepStoppedDuringTheEarlyAnalysisStopsItAfterItsCommit() throws Exception {
        // the sweep in a JVM of its own, stopped as by Ctrl-C (SIGTERM) once the early analysis has searched a
        // checkpoint; the default search of 10 checkpoints, so that it is stopped halfway; the long run never ends
        Path out = dir.resolve("stopped");
        List<String> command = ChildTraining.java(List.of(), Occam.class);
        command.add("sweep");
        command.addAll(grid(out, 6, 1000));
        command.addAll(List.of("--", "--p", "31"));
        Path output = dir.resolve("sweep.out");
        Process sweep = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Path log = out.resolve("logs/early-analysis.log");
        List<ProcessHandle> children;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!(Files.exists(log) && Files.readString(log).contains("search: 1/"))) {
                if (!sweep.isAlive() || System.nanoTime() > deadline) {
                    fail("the early analysis searched no checkpoint while the sweep ran:\n" + Files.readString(output));
                }
                Thread.sleep(200);
            }
            children = sweep.descendants().toList();
            // the early analysis takes what the training leaves idle: lowest priority, where /proc tells it
            // (the OS cuts long command lines short, so it is told by an option before the class path)
            List<ProcessHandle> analyses = children.stream().filter(c -> c.info().commandLine()
                    .map(line -> line.contains(" -Dspark.ui.enabled=false ")).orElse(false)).toList();
            assertEquals(1, analyses.size(), children.size() + " children");
            Path stat = Path.of("/proc", Long.toString(analyses.get(0).pid()), "stat");
            if (Files.isReadable(stat)) {
                String fields = Files.readString(stat);
                // after "(comm)": state is field 3, nice field 19
                String[] f = fields.substring(fields.lastIndexOf(')') + 2).split(" ");
                assertEquals("19", f[19 - 3], "nice of the early analysis: " + fields);
            }
            sweep.destroy(); // SIGTERM
            assertTrue(sweep.waitFor(EarlyAnalysis.STOP_WAIT_SECONDS + 30, TimeUnit.SECONDS));
        } finally {
            if (sweep.isAlive()) { // the test failed before the stop: leave no trainer or analysis behind
                sweep.descendants().forEach(ProcessHandle::destroyForcibly);
                sweep.destroyForcibly();
            }
        }
        for (ProcessHandle child : children) { // the trainer and the analysis, and their own children
            child.onExit().get(60, TimeUnit.SECONDS);
        }
        String said = Files.readString(output);
        Matcher ended = ENDED.matcher(said);
        assertTrue(ended.find(), said);
        assertEquals("stopped", ended.group(1), said);
        int committed = Integer.parseInt(ended.group(2));
        assertTrue(committed >= 1 && committed < 10, said);
        assertFalse(said.contains("checkpoint(s) found"), "no analysis after the stop: " + said);

        // nothing half-written: no lock, no staging, no partition moved aside; the committed checkpoints readable
        Path tables = out.resolve("tables");
        try (Stream<Path> all = Files.walk(tables)) {
            List<String> names = all.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.equals("_analysis.lock") || n.equals("_staging")
                    || n.startsWith(".replaced-")), names.toString());
        }
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE run_id NOT IN ('add-none-s0',"
                        + " 'add-wd-s0')) FROM (SELECT DISTINCT run_id, step FROM read_parquet('" + tables
                        + "/complexity/*/*.parquet', hive_partitioning = true))")) {
            assertTrue(r.next());
            assertEquals(committed, r.getInt(1), "the checkpoints it said it committed");
            assertEquals(0, r.getInt(2), "only finished runs");
        }
    }

    /** Every complexity row, all columns, in a fixed order. */
    private static List<String> complexityRows(Path tables) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT * FROM read_parquet('" + tables.resolve("complexity")
                        + "/*/*.parquet', hive_partitioning = true) ORDER BY run_id, step, epsilon, codec")) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(meta.getColumnName(i)).append('=').append(r.getString(i)).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}

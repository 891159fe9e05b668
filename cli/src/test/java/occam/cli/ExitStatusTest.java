package occam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every documented exit status of the command line (README, "Commands"), with its message: bad usage is one line
 * and exit 2, a failure one or two lines and exit 1, never a usage dump or a stack trace unless --verbose.
 */
class ExitStatusTest {

    @TempDir
    static Path dir;
    static Path archive;
    /** Output tables where the only rows are quarantine rows. */
    static Path allQuarantined;

    @BeforeAll
    static void tinyArchiveAndQuarantineOnlyTables() throws Exception {
        archive = dir.resolve("archive");
        Trainer.run(TrainingConfig.builder(Task.ADD, Regime.NONE).p(11).epochs(2).seed(0).device(DeviceChoice.CPU)
                .threads(1).runId("add-none-s0").out(archive).build());
        allQuarantined = Files.createDirectories(dir.resolve("quarantined"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 1 AS schema_version, '0123456789abcdef' AS settings_hash, 'add-none-s0' AS run_id,"
                    + " step::INTEGER AS step, 'values_finite' AS \"check\", 'tensor output.weight has NaN' AS reason,"
                    + " NULL::VARCHAR AS source_file FROM range(1, 3) t(step)) TO '" + allQuarantined.resolve("quarantine")
                    + "' (FORMAT parquet, PARTITION_BY (run_id))");
        }
    }

    /** Exit status, standard output and standard error of one command line. */
    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result occam(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Occam.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Exit 2 and exactly one line on standard error: the message, then the hint to --help. */
    private static void badUsage(String expectedLine, String... args) {
        Result r = occam(args);
        assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.err());
        assertEquals(List.of(expectedLine), r.errLines(), String.join(" ", args));
    }

    @Test
    void versionAndHelpExitZero() {
        Result v = occam("--version");
        assertEquals(0, v.status());
        assertTrue(v.out().strip().matches("occam \\S+ \\(commit ([0-9a-f]{40}|unknown)\\)"), v.out());
        assertEquals(v.out(), occam("status", "--version").out(), "every command prints the same version");
        assertEquals(0, occam("--help").status());
        assertEquals(0, occam("status", "--help").status());
    }

    @Test
    void helpIsWrappedAtSpacesOnly() {
        for (String command : List.of("train", "analyze", "report", "status", "demo")) {
            Result r = occam(command, "--help");
            assertEquals(0, r.status());
            for (String line : r.out().lines().toList()) {
                assertTrue(line.length() <= HelpLayout.WIDTH || !line.strip().contains(" "), command + ": " + line);
            }
            assertTrue(!r.out().contains("local\n") && !r.out().contains("floor(1.3\n"), command);
        }
    }

    @Test
    void unknownOrMissingCommandIsBadUsage() {
        badUsage("occam: unknown command 'frobnicate': expected one of train, import, analyze, report, status, demo, sweep, verify, help"
                + " (see 'occam --help')", "frobnicate");
        badUsage("occam: a command is required: one of train, import, analyze, report, status, demo, sweep, verify, help (see 'occam --help')");
        badUsage("occam: unknown option '--frobnicate' (see 'occam --help')", "--frobnicate");
    }

    @Test
    void anEmptyPathIsBadUsageEverywhere() {
        String d = dir.toString();
        List<String[]> commands = List.of(
                new String[] {"train", "--task", "add", "--regime", "none", "--out", ""},
                new String[] {"import", "--task", "add", "--regime", "none", "--out", "", d},
                new String[] {"analyze", "-i", d, "-o", ""},
                new String[] {"analyze", "-i", "", "-o", d},
                new String[] {"report", "-a", d, "-t", d, "-o", ""},
                new String[] {"status", d, "-t", ""},
                new String[] {"status", ""},
                new String[] {"verify", "-a", "", "-t", d},
                new String[] {"demo", "--out", ""},
                new String[] {"sweep", "--tasks", "add", "--out", ""});
        for (String[] args : commands) {
            Result r = occam(args);
            assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().contains("empty path"), String.join(" ", args) + ": " + r.err());
        }
    }

    @Test
    void anArgumentFileThatCannotBeReadIsBadUsage() {
        Path missing = dir.resolve("missing.args");
        badUsage("occam: argument file @" + missing + ": no such file (see 'occam --help')", "sweep", "@" + missing, "--out", "o");
        badUsage("occam: argument file @" + dir + ": a directory, expected a file of arguments (see 'occam --help')",
                "sweep", "@" + dir, "--out", "o");
    }

    @Test
    void reportExitStatuses() {
        badUsage("occam report: Missing required options: '--tables=ROOT', '--out=DIR' (see 'occam report --help')",
                "report", "--archive", "x");
        badUsage("occam report: unknown option '--bogus' (see 'occam report --help')",
                "report", "-a", "a", "-t", "t", "-o", "o", "--bogus");
        badUsage("occam report: --settings-hash must be 16 hex digits: nothex (see 'occam report --help')",
                "report", "-a", "a", "-t", "t", "-o", "o", "--settings-hash", "nothex");
        badUsage("occam report: Invalid value for option '--epsilon': 'one' is not a double (see 'occam report --help')",
                "report", "-a", "a", "-t", "t", "-o", "o", "--epsilon", "one");
        for (String bad : List.of("0", "-1", "NaN", "Infinity")) {
            badUsage("occam report: --epsilon " + Double.parseDouble(bad) + ": expected a number of nats > 0 (see 'occam report --help')",
                    "report", "-a", "a", "-t", "t", "-o", "o", "--epsilon", bad);
        }

        Path none = dir.resolve("none");
        badUsage("occam report: --archive " + none + ": no such directory (see 'occam report --help')",
                "report", "-a", none.toString(), "-t", none.toString(), "-o", dir.resolve("r").toString());
        badUsage("occam report: --tables " + none + ": no such directory (see 'occam report --help')",
                "report", "-a", archive.toString(), "-t", none.toString(), "-o", dir.resolve("r").toString());
        badUsage("occam report: --archive " + dir + ": not an archive root (expected a runs/ directory; occam train"
                + " writes one) (see 'occam report --help')", "report", "-a", dir.toString(), "-t", dir.toString(), "-o",
                dir.resolve("r").toString());
        Path aFile = dir.resolve("a-file");
        try {
            Files.writeString(aFile, "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        badUsage("occam report: --out " + aFile + ": a file, expected a directory (see 'occam report --help')",
                "report", "-a", archive.toString(), "-t", dir.toString(), "-o", aFile.toString());
        Result r;

        Path out = dir.resolve("r2");
        r = occam("report", "-a", archive.toString(), "-t", allQuarantined.toString(), "-o", out.toString());
        assertEquals(1, r.status());
        assertEquals(List.of("occam report failed: nothing to draw: no checkpoint under " + allQuarantined
                + " was analysed: 2 checkpoint(s) were quarantined (values_finite x2); occam status " + archive
                + " --tables " + allQuarantined + " lists the checkpoints"), r.errLines());
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void statusExitStatuses() {
        Path missing = dir.resolve("missing");
        badUsage("occam status: ARCHIVE " + missing + ": no such directory (see 'occam status --help')",
                "status", missing.toString());
        badUsage("occam status: ARCHIVE " + dir + ": not an archive root (expected a runs/ directory; occam train"
                + " writes one) (see 'occam status --help')", "status", dir.toString());
        badUsage("occam status: --tables " + missing + ": no such directory (see 'occam status --help')",
                "status", archive.toString(), "--tables", missing.toString());
        badUsage("occam status: Missing required parameter: 'ARCHIVE' (see 'occam status --help')", "status");

        Result r = occam("status", archive.toString(), "--tables", allQuarantined.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("add-none-s0  add   none    0     2 / 2                  yes       2 (epochs 1 2)"), r.out());
        assertTrue(r.out().contains("0123456789abcdef  0         2            0        values_finite x2"), r.out());

        r = occam("status", archive.toString(), "--tables", allQuarantined.toString(), "--json");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("\"quarantined\" : 2") && r.out().contains("\"epochs_planned\" : 2")
                && r.out().contains("\"values_finite\" : 2"), r.out());
        assertTrue(r.out().contains("\"writer\" : null"), r.out());
    }

    @Test
    void statusCountsACheckpointAnalysedOnlyWithRowsInComplexityEvaluationsAndBaselines() throws Exception {
        // both checkpoints have complexity and evaluations rows; only epoch 1 has its baselines row, as after a lost file
        Path tables = Files.createDirectories(dir.resolve("partial"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (String table : List.of("complexity", "evaluations", "baselines")) {
                s.execute("COPY (SELECT 'fedcba9876543210' AS settings_hash, 'add-none-s0' AS run_id, step::INTEGER AS step"
                        + " FROM range(1, " + (table.equals("baselines") ? 2 : 3) + ") t(step)) TO '" + tables.resolve(table)
                        + "' (FORMAT parquet, PARTITION_BY (run_id))");
            }
        }
        Result r = occam("status", archive.toString(), "--tables", tables.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("fedcba9876543210  1         0            1        -"), r.out());
    }

    @Test
    void statusNamesTheAnalysisThatHoldsTheTablesLock() throws Exception {
        Path tables = Files.createDirectories(dir.resolve("locked"));
        Path lock = tables.resolve("_analysis.lock");
        String host = java.net.InetAddress.getLocalHost().getHostName();
        // this JVM stands for a running analysis: the lock names its pid and a start after the process's
        long me = ProcessHandle.current().pid();
        Files.writeString(lock, "host=" + host + "\npid=" + me + "\nstarted=" + java.time.Instant.now() + "\ntoken=t1\n");
        Result r = occam("status", archive.toString(), "--tables", tables.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("an analysis holds the lock of these tables: host " + host + ", pid " + me
                + ", started "), r.out());
        assertTrue(r.out().strip().endsWith(": running"), r.out());
        r = occam("status", archive.toString(), "--tables", tables.toString(), "--json");
        assertTrue(r.out().contains("\"pid\" : " + me) && r.out().contains("\"stale\" : null"), r.out());

        // a finished process: the lock is stale, and status says the next analysis removes it
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(lock, "host=" + host + "\npid=" + gone.pid() + "\nstarted=" + java.time.Instant.now() + "\ntoken=t2\n");
        r = occam("status", archive.toString(), "--tables", tables.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("pid " + gone.pid() + ", started ") && r.out().contains(": not running (process "
                + gone.pid() + " is not running; the next occam analyze removes its lock)"), r.out());
        assertTrue(Files.exists(lock), "status only reads");
    }

    @Test
    void verifyChecksItsDirectoriesAndFiltersAndFailsOnTablesWithoutStoredModels() throws Exception {
        Path missing = dir.resolve("nowhere");
        badUsage("occam verify: --archive " + missing + ": no such directory (see 'occam verify --help')",
                "verify", "-a", missing.toString(), "-t", dir.toString());
        badUsage("occam verify: --archive " + dir + ": not an archive root (expected a runs/ directory; occam train"
                + " writes one) (see 'occam verify --help')", "verify", "-a", dir.toString(), "-t", dir.toString());
        Path archive = dir.resolve("archive");
        Files.createDirectories(archive.resolve("runs"));
        badUsage("occam verify: --settings-hash xyz: expected 16 hex digits (see 'occam verify --help')",
                "verify", "-a", archive.toString(), "-t", dir.toString(), "--settings-hash", "xyz");
        badUsage("occam verify: --steps [3, -5]: steps are >= 0 (see 'occam verify --help')",
                "verify", "-a", archive.toString(), "-t", dir.toString(), "--steps", "3,-5");
        badUsage("occam verify: --runs: an empty run id (see 'occam verify --help')",
                "verify", "-a", archive.toString(), "-t", dir.toString(), "--runs", "");
        Path tables = Files.createDirectories(dir.resolve("tables"));
        assertEquals(1, occam("verify", "-a", archive.toString(), "-t", tables.toString()).status(),
                "tables without stored models cannot be verified");
    }

    @Test
    void demoFlagsAreCheckedBeforeAnyWork() {
        Path out = dir.resolve("demo");
        badUsage("occam demo: Invalid value for option '--epochs': 'many' is not an int (see 'occam demo --help')",
                "demo", "--out", out.toString(), "--epochs", "many");
        badUsage("occam demo: --epochs 0: expected at least 1 (see 'occam demo --help')",
                "demo", "--out", out.toString(), "--epochs", "0");
        badUsage("occam demo: --p 12: expected a prime (the tasks are modulo p) <= 1009 (see 'occam demo --help')",
                "demo", "--out", out.toString(), "--p", "12");
        badUsage("occam demo: --threads -1: expected 0 (the default) or more (see 'occam demo --help')",
                "demo", "--out", out.toString(), "--threads", "-1");
        Result r = occam("demo", "--out", out.toString(), "--grid-taus", "0");
        assertEquals(2, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("occam demo: bad analysis option: --grid-taus 0: expected an integer >= 2"), r.err());
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void aFailureIsOneLinePlusWhereTheStackTraceWent() throws Exception {
        // a report whose output directory cannot be created: a plain file stands in its way
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "");
        Path tables = dir.resolve("tables-for-failure");
        // tables whose files look whole (PAR1 at both ends) but hold no Parquet: DuckDB fails, an unexpected failure
        String garbage = "PAR1 not parquet inside PAR1";
        Files.createDirectories(tables.resolve("complexity/run_id=add-none-s0"));
        Files.writeString(tables.resolve("complexity/run_id=add-none-s0/part-0.parquet"), garbage);
        for (String t : List.of("baselines", "spectra", "rate_distortion_fits")) {
            Files.createDirectories(tables.resolve(t + "/run_id=add-none-s0"));
            Files.writeString(tables.resolve(t + "/run_id=add-none-s0/part-0.parquet"), garbage);
        }
        Result r = occam("report", "-a", archive.toString(), "-t", tables.toString(), "-o", blocker.resolve("r").toString());
        assertEquals(1, r.status());
        assertEquals(2, r.errLines().size(), r.err());
        assertTrue(r.errLines().get(0).startsWith("occam report failed: "), r.err());
        Matcher m = Pattern.compile("  the stack trace is in (\\S+) \\(--verbose prints it here\\)").matcher(r.errLines().get(1));
        assertTrue(m.matches(), r.err());
        Path log = Path.of(m.group(1));
        assertTrue(Files.readString(log).contains("\tat "), "the log holds the stack trace");
        Files.delete(log);

        Result verbose = occam("report", "-a", archive.toString(), "-t", tables.toString(), "-o",
                blocker.resolve("r").toString(), "--verbose");
        assertEquals(1, verbose.status());
        assertEquals(r.errLines().get(0), verbose.errLines().get(0));
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace");
    }
}

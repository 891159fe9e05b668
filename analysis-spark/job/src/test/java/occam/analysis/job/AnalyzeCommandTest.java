package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's contract of {@code occam analyze}: every bad usage is one line naming the flag, the value and what
 * is expected, exit 2, before Spark starts, and leaves nothing behind; --dry-run and --json say what is there.
 */
class AnalyzeCommandTest {

    @TempDir
    static Path dir;
    static Path archive;

    @BeforeAll
    static void archive() {
        archive = dir.resolve("archive");
        Archive a = new Archive(archive, 40);
        InputChecksTest.writeRun(a, "add-x", 10);
        a.writeCheckpoint(new Checkpoint("add-x", 1, 1, InputChecksTest.tensors(1)));
        a.writeCheckpoint(new Checkpoint("add-x", 2, 2, InputChecksTest.tensors(2)));
    }

    record Outcome(int status, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = SparkJobs.commandLine(new AnalyzeCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Outcome(status, out.toString(), err.toString());
    }

    @Test
    void everyBadUsageIsOneLineAndExitTwoAndLeavesNothingBehind() throws Exception {
        Path out = dir.resolve("tables");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        String in = archive.toString();
        String o = out.toString();
        Map<String, List<String>> cases = new TreeMap<>();
        cases.put("--grid-taus 0: expected an integer >= 2", List.of("-i", in, "-o", o, "--grid-taus", "0"));
        cases.put("--bisection-steps 0: expected an integer >= 1", List.of("-i", in, "-o", o, "--bisection-steps", "0"));
        cases.put("--refine-steps -1: expected an integer >= 0", List.of("-i", in, "-o", o, "--refine-steps", "-1"));
        cases.put("--tau-min 2.0: expected a fraction in [0, 1)", List.of("-i", in, "-o", o, "--tau-min", "2"));
        cases.put("--epsilons -1.0: expected distortion bounds > 0 (nats)", List.of("-i", in, "-o", o, "--epsilons", "-1"));
        cases.put("--engine-threads 0: expected an integer >= 1", List.of("-i", in, "-o", o, "--engine-threads", "0"));
        cases.put("--master garbage: expected local", List.of("-i", in, "-o", o, "--master", "garbage"));
        cases.put("--master local[0]: expected local", List.of("-i", in, "-o", o, "--master", "local[0]"));
        cases.put("--wave-checkpoints 0: expected an integer >= 1", List.of("-i", in, "-o", o, "--wave-checkpoints", "0"));
        cases.put("--input " + dir.resolve("nope") + ": not found", List.of("-i", dir.resolve("nope").toString(), "-o", o));
        cases.put("--input " + empty + ": not an archive root", List.of("-i", empty.toString(), "-o", o));
        cases.put("--input " + file + ": is a file", List.of("-i", file.toString(), "-o", o));
        cases.put("--runs sub-*: matches no run of " + in + " (runs there: add-x)", List.of("-i", in, "-o", o, "--runs", "sub-*"));
        cases.put("--runs add-x,typo: typo: matches no run of " + in + " (runs there: add-x)",
                List.of("-i", in, "-o", o, "--runs", "add-x,typo"));
        cases.put("--output " + file + ": is a file", List.of("-i", in, "-o", file.toString()));
        cases.put("--output " + archive.resolve("tables") + ": is inside the input", List.of("-i", in, "-o",
                archive.resolve("tables").toString()));
        cases.put("--output " + in + ": is the input", List.of("-i", in, "-o", in));
        // a table, or a run's partition of one, that is a file: found before the search, not at its first commit
        Path tableIsFile = Files.createDirectories(dir.resolve("table-is-file"));
        Files.writeString(tableIsFile.resolve("complexity"), "x");
        cases.put("--output " + tableIsFile + ": file:" + tableIsFile.resolve("complexity") + " is a file, expected the"
                + " complexity table's directory", List.of("-i", in, "-o", tableIsFile.toString()));
        Path partitionIsFile = Files.createDirectories(dir.resolve("partition-is-file").resolve("evaluations"));
        Files.writeString(partitionIsFile.resolve("run_id=add-x"), "x");
        cases.put("--output " + partitionIsFile.getParent() + ": file:" + partitionIsFile.resolve("run_id=add-x")
                + " is a file, expected a run's partition directory", List.of("-i", in, "-o", partitionIsFile.getParent().toString()));
        cases.put("Unknown option: '--bogus'", List.of("-i", in, "-o", o, "--bogus"));
        cases.put("Invalid value for option '--grid-taus': 'abc' is not an int", List.of("-i", in, "-o", o, "--grid-taus", "abc"));
        cases.put("Missing required option: '--output=ROOT'", List.of("-i", in));

        Map<Path, Long> before = files(dir);
        for (var c : cases.entrySet()) {
            Outcome r = run(c.getValue().toArray(String[]::new));
            assertEquals(2, r.status(), c.getValue() + "\n" + r.err());
            String[] lines = r.err().split("\n");
            assertEquals(1, lines.length, r.err());
            assertTrue(lines[0].startsWith("occam analyze: " + c.getKey()), "expected '" + c.getKey() + "', got " + lines[0]);
            assertTrue(lines[0].endsWith(" (see 'occam analyze --help')"), lines[0]);
            assertEquals("", r.out());
        }
        assertEquals(before, files(dir), "no file written, none changed");
    }

    @Test
    void anUnreachableMasterFailsInSecondsWithOneLine() throws Exception {
        Path out = dir.resolve("unreachable");
        long start = System.nanoTime();
        Outcome r = run("-i", archive.toString(), "-o", out.toString(), "--master", "spark://127.0.0.1:1");
        assertEquals(1, r.status());
        assertTrue((System.nanoTime() - start) / 1e9 < 10, "fails fast");
        assertTrue(r.err().startsWith("occam analyze: Spark master spark://127.0.0.1:1 is unreachable ("), r.err());
        assertEquals(1, r.err().split("\n").length, r.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void dryRunSaysWhatIsThereAndJsonSummarizesAnAnalysis() throws Exception {
        TestSpark.session(); // the command uses the running session and leaves it running
        Path out = dir.resolve("dry");
        String[] flags = {"-i", archive.toString(), "-o", out.toString(), "--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1",
                "--refine-steps", "1"};
        Outcome dry = run(concat(flags, "--dry-run"));
        assertEquals(0, dry.status(), dry.err());
        assertTrue(dry.out().matches("(?s).*add-x\\s+2\\s+0\\s+0\\n.*2 checkpoint\\(s\\) would be analysed\\n"), dry.out());
        assertTrue(Files.notExists(out), "a dry run writes nothing");

        Outcome json = run(concat(flags, "--json"));
        assertEquals(0, json.status(), json.err());
        String line = json.out().trim();
        assertEquals(1, json.out().split("\n").length, json.out());
        assertTrue(line.startsWith("{\"settings_hash\":\"") && line.endsWith("]}"), line);
        assertTrue(line.contains("\"checkpoints_found\":2,\"already_done\":0,\"analysed\":2,\"quarantined\":0"), line);
        assertTrue(line.contains("\"waves\":[{\"wave\":1,\"analysed\":2,\"quarantined\":0,\"runs\":[\"add-x\"]"), line);

        Outcome again = run(concat(flags, "--dry-run", "--json"));
        assertTrue(again.out().contains("{\"run_id\":\"add-x\",\"pending\":0,\"done\":2,\"quarantined\":0}"), again.out());
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static Map<Path, Long> files(Path root) throws Exception {
        Map<Path, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                out.put(root.relativize(p), Files.isRegularFile(p) ? Files.getLastModifiedTime(p).toMillis() : -1L);
            }
        }
        return out;
    }
}

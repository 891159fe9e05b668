package occam.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import occam.schemas.Archive;
import occam.schemas.EpochMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The grid, the argument files and every usage error, without training anything. */
class SweepCommandTest {

    @TempDir
    Path dir;

    private static SweepCommand parse(String... args) {
        SweepCommand sweep = new SweepCommand();
        new CommandLine(sweep).parseArgs(args);
        return sweep;
    }

    private static List<String> ids(List<SweepRun> runs) {
        return runs.stream().map(SweepRun::runId).toList();
    }

    @Test
    void gridsAreTasksBySeedsByRegimesAndTheirUnion() {
        Path out = dir.resolve("out");
        List<SweepRun> runs = parse("--tasks", "add,mul", "--regimes", "none,ours", "--seeds", "0,1", "--epochs", "7",
                "--tasks", "sub", "--out", out.toString(), "--parallel", "2", "--", "--p", "11").plan();
        assertEquals(List.of("add-none-s0", "add-ours-s0", "add-none-s1", "add-ours-s1",
                "mul-none-s0", "mul-ours-s0", "mul-none-s1", "mul-ours-s1",
                "sub-none-s0", "sub-wd-s0", "sub-ours-s0"), ids(runs),
                "the second grid takes the default regimes and seed");
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
        assertEquals(List.of("--task", "add", "--regime", "ours", "--seed", "1", "--epochs", "7",
                "--out", out.resolve("archive").toString(), "--threads", Integer.toString(threads), "--p", "11"),
                runs.get(3).trainArgs());
        assertEquals(7, runs.get(0).epochs());
        assertEquals(1500, runs.get(10).epochs(), "train's default epochs");
        assertFalse(Files.exists(out), "planning writes nothing");
    }

    @Test
    void aGridsTrainOptionsFollowTheSweepsAndThreadsCanBeSet() {
        List<SweepRun> runs = parse("--tasks", "add", "--regimes", "none", "--train-options=--eval-every 5 --threads 3",
                "--tasks", "mul", "--regimes", "none", "--out", dir.toString(), "--", "--p", "11").plan();
        assertEquals(List.of("--task", "add", "--regime", "none", "--seed", "0", "--epochs", "1500",
                "--out", dir.resolve("archive").toString(), "--p", "11", "--eval-every", "5", "--threads", "3"),
                runs.get(0).trainArgs());
        assertTrue(runs.get(1).trainArgs().contains("--threads"), "the other grid's threads are the sweep's");
    }

    @Test
    void argumentFilesHoldTheGridWithComments() throws Exception {
        Path file = dir.resolve("small.args");
        Files.writeString(file, """
                # a comment line
                --tasks add --regimes none,ours --seeds 0,1
                --tasks "sub" --seeds 2 --train-options "--eval-every 5"
                """);
        SweepCommand sweep = parse("@" + file, "--out", dir.resolve("o").toString());
        assertEquals(List.of("add-none-s0", "add-ours-s0", "add-none-s1", "add-ours-s1",
                "sub-none-s2", "sub-wd-s2", "sub-ours-s2"), ids(sweep.plan()));
    }

    /** The README's measured sweep, kept in the repository (tests run in cli/). */
    @Test
    void thePapersArgumentFileIsTheReadmesGrid() {
        Path paper = Path.of("..", "sweeps", "paper.args");
        assertTrue(Files.isRegularFile(paper), paper.toAbsolutePath().toString());
        List<SweepRun> runs = parse("@" + paper, "--out", dir.toString()).plan();
        List<String> expected = new ArrayList<>();
        for (String task : List.of("add", "mul")) {
            for (int seed = 0; seed < 3; seed++) {
                for (String regime : List.of("none", "wd", "ours")) {
                    expected.add(task + "-" + regime + "-s" + seed);
                }
            }
        }
        expected.addAll(List.of("sub-none-s0", "sub-ours-s0", "div-none-s0", "div-ours-s0"));
        assertEquals(expected, ids(runs));
    }

    @Test
    void badUsageIsOneLineExitTwoAndStartsNothing() throws Exception {
        Path out = dir.resolve("never");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        List<List<String>> cases = List.of(
                List.of("--tasks", "add,frobnicate", "--out", out.toString()),
                List.of("--tasks", "add", "--regimes", "none,lasso", "--out", out.toString()),
                List.of("--tasks", "add", "--out", file.resolve("sub").toString()),
                List.of("--tasks", "add", "--out", out.toString(), "--parallel", "0"),
                List.of("--tasks", "add", "--seeds", "0,0", "--out", out.toString()),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--frobnicate"),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--lr", "fast"),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--p", "12"),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--train-fraction", "1.5"),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--device", "tpu"),
                // checked by train's own configuration: every train flag, not a copy of some of them
                List.of("--tasks", "add", "--out", out.toString(), "--", "--position-table", "diagonal"),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--eval-every", "0"),
                List.of("--tasks", "add", "--out", out.toString(), "--", "--seed", "3"),
                List.of("--tasks", "add", "--train-options=--run-id x", "--out", out.toString()),
                List.of("--tasks", "add", "--out", out.toString(), "--analyze-options=--grid-taus many"),
                List.of("--tasks", "add", "--out", out.toString(), "--analyze-options=--grid-taus 0"),
                List.of("--tasks", "add", "--out", out.toString(), "--analyze-options=--engine-threads 0"),
                List.of("--tasks", "add", "--out", out.toString(), "--master", "yarn-ish"),
                List.of("--tasks", "add", "--out", out.toString(), "--analyze-options=--output elsewhere"));
        for (List<String> args : cases) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new SweepCommand());
            cli.setErr(new PrintWriter(err));
            cli.setOut(new PrintWriter(new StringWriter()));
            assertEquals(2, cli.execute(args.toArray(String[]::new)), args.toString());
            String message = err.toString();
            assertTrue(message.startsWith("occam sweep: ") && message.strip().lines().count() == 1,
                    args + " gives one line: " + message);
            assertFalse(Files.exists(out), args + " created " + out);
        }
        // picocli's own errors (a value of the wrong type, a missing option) are bad usage too
        for (List<String> args : List.of(List.of("--tasks", "add", "--out", out.toString(), "--no-such-option"),
                List.of("--tasks", "add", "--out", out.toString(), "--parallel", "many"), List.of("--tasks", "add"))) {
            CommandLine cli = new CommandLine(new SweepCommand());
            cli.setErr(new PrintWriter(new StringWriter()));
            assertEquals(2, cli.execute(args.toArray(String[]::new)), args.toString());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("a-file"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void milestonesAreTheFirstLoggedEpochsPastTheThreshold() {
        Archive archive = new Archive(dir);
        double[][] accuracies = {{0.5, 0.1}, {0.99, 0.2}, {1.0, 0.98}, {0.995, 0.99}, {1.0, 1.0}};
        int[] epochs = {1, 2, 3, 4, 6};
        for (int i = 0; i < epochs.length; i++) {
            archive.writeMetrics("r", new EpochMetrics(epochs[i], 3L * epochs[i], 1, accuracies[i][0], 1,
                    accuracies[i][1], 1, 0, 0, Map.of(), Map.of(), i));
        }
        ArchiveProgress progress = new ArchiveProgress(dir);
        assertEquals(6, progress.lastEpoch("r"));
        assertEquals(0, progress.lastEpoch("absent"));
        ArchiveProgress.Milestones m = progress.milestones("r");
        assertEquals(OptionalInt.of(2), m.memorization(), "train accuracy 0.99 at epoch 2");
        assertEquals(OptionalInt.of(4), m.generalization(), "test accuracy 0.99 at epoch 4, not 0.98 at 3");
    }

    @Test
    void statusFollowsTheExitStatusAndTheArchiveBefore() {
        SweepRun run = new SweepRun("add-none-s0", 6, List.of());
        ChildTraining.Result ok = new ChildTraining.Result(0, 1, "");
        assertEquals("trained", RunOutcome.of(run, ok, false, false).describe());
        assertEquals("resumed", RunOutcome.of(run, ok, true, false).describe());
        assertEquals("complete", RunOutcome.of(run, ok, true, true).describe());
        ChildTraining.Result refused = new ChildTraining.Result(2, 1,
                "run 'add-none-s0' already exists in a (archive files are never rewritten): choose another --run-id");
        assertEquals("complete", RunOutcome.of(run, refused, true, true).describe());
        assertEquals("in archive", RunOutcome.of(run, refused, true, false).describe());
        assertEquals("failed (exit 2)", RunOutcome.of(run, refused, false, false).describe());
        assertEquals("failed (exit 1)", RunOutcome.of(run, new ChildTraining.Result(1, 1, "boom"), true, true).describe());
        assertEquals(List.of("c", "d"), new ChildTraining.Result(1, 1, "a\nb\n\nc\r\nd\n").tail(2));
    }

    @Test
    void anEarlyAnalysisUsesTheIdleSlotsOfALocalMasterOnly() throws Exception {
        Path out = dir.resolve("out");
        String search = "--analyze-options=--grid-taus 2 --strict";
        assertEquals(List.of("-i", out.resolve("archive").toString(), "-o", out.resolve("tables").toString(),
                "--grid-taus", "2"), parse("--tasks", "add", "--out", out.toString(), search).earlyAnalysisArguments(),
                "the final analysis' settings, without --strict (the final analysis' quarantines count)");
        assertEquals(List.of("-i", out.resolve("archive").toString(), "-o", out.resolve("tables").toString()),
                parse("--tasks", "add", "--out", out.toString(), "--master", "local[2]").earlyAnalysisArguments(),
                "no --master: the sweep gives it the idle cores");
        for (List<String> none : List.of(List.of("--no-analyze"), List.of("--master", "spark://host:7077"),
                List.of("--master", "yarn"), List.of("--analyze-options=--force"),
                List.of("--analyze-options=--runs add-*"), List.of("--analyze-options=--dry-run"))) {
            List<String> args = new ArrayList<>(List.of("--tasks", "add", "--out", out.toString()));
            args.addAll(none);
            assertEquals(null, parse(args.toArray(String[]::new)).earlyAnalysisArguments(), none.toString());
        }

        // k slots, cores, runs not started, runs training
        assertEquals(0, SweepCommand.idleCores(2, 2, 1, 1), "a run waits for the slot");
        assertEquals(0, SweepCommand.idleCores(2, 2, 0, 2), "no slot idles");
        assertEquals(0, SweepCommand.idleCores(2, 2, 0, 0), "the training is over");
        assertEquals(1, SweepCommand.idleCores(2, 2, 0, 1));
        assertEquals(4, SweepCommand.idleCores(4, 8, 0, 2), "two idle slots of two cores each");
        assertEquals(1, SweepCommand.idleCores(4, 2, 0, 3), "at least one core");
        assertEquals(0, SweepCommand.idleCores(1, 2, 0, 1), "--parallel 1 never idles");

        // what the analysis logs when it commits a wave
        Path log = dir.resolve("early.log");
        Files.writeString(log, "old attempt: wave 1: 9 analysed, 0 quarantined checkpoint(s) committed to run(s) a\n"
                + "12:45:29 INFO  Waves: wave 1: 6 analysed, 0 quarantined checkpoint(s) committed to run(s) a, b (6.4 s)\n"
                + "12:46:29 INFO  Waves: wave 2: 3 analysed, 2 quarantined checkpoint(s) committed to run(s) b (1.0 s)\n");
        long from = Files.readString(log).indexOf("12:45");
        assertEquals(List.of(11, 2), java.util.Arrays.stream(EarlyAnalysis.committed(log, from)).boxed().toList());
    }
}

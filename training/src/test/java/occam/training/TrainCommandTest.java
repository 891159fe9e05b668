package occam.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import occam.schemas.Archive;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TrainCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsEveryOption() {
        assertEquals(0, run("--help"));
        for (String option : List.of("--task", "--regime", "--epochs", "--seed", "--out", "--p", "--train-fraction",
                "--layers", "--run-id", "--lr", "--weight-decay", "--spectral-beta", "--noise-std", "--batch-size",
                "--device", "--threads", "--quiet")) {
            assertTrue(out.toString().contains(option), option + " missing from --help:\n" + out);
        }
        assertTrue(out.toString().startsWith("Usage: train"), out.toString());
    }

    @Test
    void trainsARunIntoTheArchive() {
        String dir = root.toString();
        assertEquals(0, run("--task", "mul", "--regime", "wd", "--p", "7", "--epochs", "3", "--out", dir, "--device", "cpu"), err.toString());
        Archive archive = new Archive(root);
        assertEquals(List.of("mul-wd-s0"), archive.runIds());
        assertEquals(List.of(1, 2, 3), archive.checkpointSteps("mul-wd-s0"));
        assertEquals(1.0, archive.readRun("mul-wd-s0").training().weightDecay());
        assertTrue(out.toString().startsWith("mul-wd-s0: 3 epochs"), out.toString());
        assertEquals(List.of(1, 2, 3), archive.trainingStateSteps("mul-wd-s0"));
        // the same command again: complete, not trained again
        out.getBuffer().setLength(0);
        assertEquals(0, run("--task", "mul", "--regime", "wd", "--p", "7", "--epochs", "3", "--out", dir, "--quiet"));
        assertEquals("run 'mul-wd-s0' in " + dir + " is complete (3 epochs): not trained again", out.toString().strip());
        // other hyper-parameters for the same run id: refused, naming them
        assertEquals(2, run("--task", "mul", "--regime", "wd", "--p", "7", "--epochs", "5", "--out", dir, "--quiet",
                "--weight-decay", "0.5"));
        assertEquals("train: run 'mul-wd-s0' in " + dir + " was trained with other settings: --epochs 5 (the run has 3),"
                + " --weight-decay 0.5 (the run has 1.0); rerun with the run's values to resume it, or choose another"
                + " --run-id or --out", err.toString().lines().findFirst().orElseThrow());
        // overrides reach the runs row
        assertEquals(0, run("--task", "add", "--regime", "none", "--p", "7", "--epochs", "1", "--out", dir, "--quiet",
                "--run-id", "custom", "--noise-std", "0.05", "--layers", "2", "--batch-size", "3", "--lr", "0.01"));
        var custom = archive.readRun("custom");
        assertEquals(0.05, custom.training().noiseStd());
        assertEquals(2, custom.model().numLayers());
        assertEquals(3, custom.training().batchSize());
        assertEquals(0.01, custom.training().learningRate());
    }

    /** One line naming the flag and the value, a hint to --help, exit status 2, and nothing written. */
    private void assertUsageError(String expected, String... args) {
        err.getBuffer().setLength(0);
        assertEquals(2, run(args), err.toString());
        List<String> lines = err.toString().lines().toList();
        assertEquals(List.of("train: " + expected, "Try 'train --help' for usage."), lines);
    }

    @Test
    void everyBadFlagIsOneLineNamingTheFlagAndExitsWithTwo() {
        String dir = root.resolve("a").toString();
        String[] ok = {"--task", "add", "--regime", "ours", "--out", dir};
        assertUsageError("--task pow: expected one of add, sub, mul, div, x2y2, x2xyy2",
                "--task", "pow", "--regime", "ours", "--out", dir);
        assertUsageError("--regime strong: expected one of none, wd, ours", "--task", "add", "--regime", "strong", "--out", dir);
        assertUsageError("--device tpu: expected one of auto, cpu, gpu", with(ok, "--device", "tpu"));
        assertUsageError("--position-table rows: expected one of vocabulary, sequence", with(ok, "--position-table", "rows"));
        assertUsageError("--p 12: expected a prime number <= 1009 (the table has p^2 rows)", with(ok, "--p", "12"));
        assertUsageError("--p 99991: expected a prime number <= 1009 (the table has p^2 rows)", with(ok, "--p", "99991"));
        assertUsageError("--train-fraction 1.5: expected a number in (0, 1)", with(ok, "--train-fraction", "1.5"));
        assertUsageError("--train-fraction 0.0: expected a number in (0, 1)", with(ok, "--train-fraction", "0"));
        assertUsageError("--train-fraction 0.01: expected a share of the 49 equations of add mod 7 that leaves at least 2"
                + " for training and 1 for testing", with(ok, "--p", "7", "--train-fraction", "0.01"));
        assertUsageError("--epochs 0: expected an integer >= 1", with(ok, "--epochs", "0"));
        assertUsageError("--epochs ten: expected an integer", with(ok, "--epochs", "ten"));
        assertUsageError("--layers 0: expected an integer >= 1", with(ok, "--layers", "0"));
        assertUsageError("--lr -0.1: expected a number > 0", with(ok, "--lr", "-0.1"));
        assertUsageError("--lr NaN: expected a number > 0", with(ok, "--lr", "NaN"));
        assertUsageError("--adam-beta1 1.0: expected a number in [0, 1)", with(ok, "--adam-beta1", "1"));
        assertUsageError("--adam-beta2 -0.5: expected a number in [0, 1)", with(ok, "--adam-beta2", "-0.5"));
        assertUsageError("--adam-eps 0.0: expected a number > 0", with(ok, "--adam-eps", "0"));
        assertUsageError("--weight-decay -1.0: expected a number >= 0", with(ok, "--weight-decay", "-1"));
        assertUsageError("--spectral-beta -0.1: expected a number >= 0", with(ok, "--spectral-beta", "-0.1"));
        assertUsageError("--noise-std -0.01: expected a number >= 0", with(ok, "--noise-std", "-0.01"));
        assertUsageError("--batch-size -3: expected an integer >= 1, or 0 for min(512, n_train/2)", with(ok, "--batch-size", "-3"));
        assertUsageError("--threads -1: expected an integer >= 1, or 0 for half the cores", with(ok, "--threads", "-1"));
        assertUsageError("--eval-every 0: expected an integer >= 1", with(ok, "--eval-every", "0"));
        assertUsageError("--seed x: expected an integer", with(ok, "--seed", "x"));
        assertUsageError("--run-id ../x: expected letters, digits, '.', '_' or '-'", with(ok, "--run-id", "../x"));
        assertUsageError("--out /etc/passwd: expected a directory, not a file",
                "--task", "add", "--regime", "ours", "--out", "/etc/passwd");
        assertUsageError("--bogus: unknown option", "--bogus");
        assertUsageError("--bogus: unknown option", with(ok, "--bogus", "3"));
        assertUsageError("--epoch: unknown option (did you mean --epochs?)", with(ok, "--epoch", "3"));
        assertUsageError("missing --task, --regime", "--out", dir);
        assertUsageError("missing --out", "--task", "add", "--regime", "ours");
        assertFalse(Files.exists(Path.of(dir)), "nothing may be written on bad usage");
    }

    private static String[] with(String[] base, String... more) {
        String[] out = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @Test
    void aFailureWhileTrainingExitsWithOne() {
        // no GPU here: asking for one fails at the start of training, not while parsing
        assertEquals(1, run("--task", "add", "--regime", "none", "--p", "7", "--epochs", "1", "--out", root.toString(),
                "--device", "gpu", "--quiet"));
        assertTrue(err.toString().contains("sees no GPU"), err.toString());
    }
}

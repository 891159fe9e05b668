package occam.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
        // the same run id again: archive files are never rewritten
        assertEquals(2, run("--task", "mul", "--regime", "wd", "--p", "7", "--epochs", "3", "--out", dir, "--quiet"));
        assertTrue(err.toString().contains("already exists"), err.toString());
        // overrides reach the runs row
        assertEquals(0, run("--task", "add", "--regime", "none", "--p", "7", "--epochs", "1", "--out", dir, "--quiet",
                "--run-id", "custom", "--noise-std", "0.05", "--layers", "2", "--batch-size", "3", "--lr", "0.01"));
        var custom = archive.readRun("custom");
        assertEquals(0.05, custom.training().noiseStd());
        assertEquals(2, custom.model().numLayers());
        assertEquals(3, custom.training().batchSize());
        assertEquals(0.01, custom.training().learningRate());
    }

    @Test
    void badUsageExitsWithTwo() {
        String dir = root.toString();
        assertEquals(2, run("--task", "add", "--regime", "ours")); // no --out
        assertEquals(2, run("--task", "pow", "--regime", "ours", "--out", dir));
        assertEquals(2, run("--task", "add", "--regime", "strong", "--out", dir));
        assertEquals(2, run("--task", "add", "--regime", "ours", "--out", dir, "--p", "12"));
        assertEquals(2, run("--task", "add", "--regime", "ours", "--out", dir, "--epochs", "0"));
        assertEquals(2, run("--task", "add", "--regime", "ours", "--out", dir, "--device", "tpu"));
        assertEquals(2, run("--task", "add", "--regime", "ours", "--out", dir, "--run-id", "../x"));
        assertTrue(err.toString().contains("p(12) is not a prime"), err.toString());
    }

    @Test
    void aFailureWhileTrainingExitsWithOne() {
        // no GPU here: asking for one fails at the start of training, not while parsing
        assertEquals(1, run("--task", "add", "--regime", "none", "--p", "7", "--epochs", "1", "--out", root.toString(),
                "--device", "gpu", "--quiet"));
        assertTrue(err.toString().contains("sees no GPU"), err.toString());
    }
}

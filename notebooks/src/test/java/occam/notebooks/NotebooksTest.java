package occam.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import occam.analysis.job.AnalyzeCommand;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.TrainingResult;
import occam.training.task.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Executes every notebook in {@code notebooks/} headless ({@code jupyter nbconvert --execute}) with the Java kernel
 * the build prepared, against a small archive trained here and tables analysed here by the real Spark job. A
 * notebook fails on a cell error, on anything written to stderr, or on a figure cell without a PNG.
 */
class NotebooksTest {

    /** Debian's Jupyter, by full path: a python3 earlier on PATH (pyenv) cannot see Debian's packages. */
    static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    static final List<String> EXPECTED = List.of(
            "complexity_dynamics.ipynb", "description_length_and_bounds.ipynb", "rate_distortion.ipynb");
    /** What nbconvert prints when a kernel never answered: the start-up race, worth one more try. */
    static final List<String> START_FAILURES = List.of("Kernel didn't respond", "Kernel died before replying");

    @TempDir
    static Path dir;
    static Path notebooks;
    static Path archive;
    static Path tables;
    static Path jupyterPath;

    @BeforeAll
    static void kernelArchiveAndTables() throws Exception {
        requireJupyter();
        notebooks = Path.of(System.getProperty("occam.notebooks.dir", "."));
        jupyterPath = writeKernelSpec(Path.of(System.getProperty("occam.kernel.dir", "target")), dir.resolve("jupyter"));

        archive = dir.resolve("archive");
        tables = dir.resolve("tables");
        boolean memorized = false;
        // none once, ours with seeds 0 and 1: the notebooks' means across seeds get a band with n = 2 and one with n = 1
        for (Map.Entry<Regime, Long> run : List.of(Map.entry(Regime.NONE, 0L), Map.entry(Regime.OURS, 0L),
                Map.entry(Regime.OURS, 1L))) {
            // 24 training examples in minibatches of 4, checkpoints at epochs 1, 2, 3, 4, 6, 8, 10, 12
            TrainingResult result = Trainer.run(TrainingConfig.builder(Task.ADD, run.getKey()).p(11).epochs(12)
                    .batchSize(4).learningRate(3e-3).seed(run.getValue()).device(DeviceChoice.CPU).threads(1).out(archive)
                    .build());
            memorized |= result.checkpoints().stream().anyMatch(m -> m.trainAccuracy() >= 0.99);
        }
        assertTrue(memorized, "neither test run reached train accuracy 0.99, so the notebooks' memorization marker "
                + "would go unexercised: train the test runs longer or faster");
        int status = new CommandLine(new AnalyzeCommand()).execute("-i", archive.toString(), "-o", tables.toString(),
                "--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "1", "--epsilons", "4,1,0.25",
                "--master", "local[2]");
        assertEquals(0, status, "occam analyze on the test archive");
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsWithoutErrorsAndShowsItsFigures() throws IOException {
        List<Path> found;
        try (Stream<Path> s = Files.list(notebooks)) {
            found = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        Set<String> names = found.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertTrue(names.containsAll(EXPECTED), "notebooks found in " + notebooks + ": " + names);
        return found.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            Run run = execute(nb, Map.of("OCCAM_ARCHIVE", archive.toString(), "OCCAM_TABLES", tables.toString()));
            keepForInspection(run, nb.getFileName().toString());
            if (run.status != 0) {
                fail("nbconvert exited " + run.status + " on " + nb.getFileName() + ":\n" + tail(run.log));
            }
            List<String> problems = ExecutedNotebook.problems(run.executed);
            assertTrue(problems.isEmpty(), nb.getFileName() + ":\n" + String.join("\n", problems));
            if (nb.getFileName().toString().equals("complexity_dynamics.ipynb")) {
                assertTrue(Files.readString(run.executed).contains("add/ours=2"), "the means across seeds rest on n = 2 ours seeds");
            }
        }));
    }

    @Test
    void aMissingTablesDirectoryStopsANotebookWithAClearError() throws Exception {
        Path missing = dir.resolve("no-such-tables");
        Run run = execute(notebooks.resolve("rate_distortion.ipynb"),
                Map.of("OCCAM_ARCHIVE", archive.toString(), "OCCAM_TABLES", missing.toString()));
        assertNotEquals(0, run.status, "nbconvert should fail when OCCAM_TABLES names no directory");
        assertTrue(run.log.contains("OCCAM_TABLES=" + missing + " is not a directory"), tail(run.log));
    }

    /** The executed notebook (or nbconvert's log) under target/executed-by-test, to look at after a run. */
    static void keepForInspection(Run run, String name) throws IOException {
        Path keep = Path.of(System.getProperty("occam.kernel.dir", "target"), "executed-by-test");
        Files.createDirectories(keep);
        Files.writeString(keep.resolve(name + ".log"), run.log);
        if (Files.exists(run.executed)) {
            Files.copy(run.executed, keep.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Jupyter's kernel spec for the kernel the build prepared: patch classes ahead of the kernel jar. */
    static Path writeKernelSpec(Path target, Path jupyterDir) throws IOException {
        Path patch = target.resolve("classes");
        Path jar = target.resolve("kernel/rapaio-jupyter-kernel.jar");
        Path lib = target.resolve("kernel/lib");
        for (Path p : List.of(patch.resolve("org/rapaio/jupyter/kernel/channels/LoopThread.class"), jar, lib)) {
            if (!Files.exists(p)) {
                fail(p + " is missing: the build prepares the kernel (mvn -pl notebooks -am test-compile)");
            }
        }
        List<String> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = s.map(Path::toString).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
        assertTrue(jars.stream().anyMatch(j -> j.contains("duckdb_jdbc")) && jars.stream().anyMatch(j -> j.contains("xchart")),
                "DuckDB JDBC and XChart in " + lib + ": " + jars);

        ObjectMapper json = new ObjectMapper();
        ObjectNode spec = json.createObjectNode();
        spec.putArray("argv").add(Path.of(System.getProperty("java.home"), "bin", "java").toString())
                .add("-cp").add(patch + File.pathSeparator + jar)
                .add("org.rapaio.jupyter.kernel.MainApp").add("{connection_file}");
        spec.put("display_name", "Java (occam)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        // the kernel splits RJK_CLASSPATH on ';'
        spec.putObject("env").put("RJK_CLASSPATH", String.join(";", jars));
        Path file = jupyterDir.resolve("kernels/java/kernel.json");
        Files.createDirectories(file.getParent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), spec);
        return jupyterDir;
    }

    record Run(int status, String log, Path executed) {}

    /** nbconvert --execute on one notebook, once more if the kernel never answered. */
    static Run execute(Path notebook, Map<String, String> env) throws Exception {
        Run run = executeOnce(notebook, env);
        if (run.status != 0 && START_FAILURES.stream().anyMatch(run.log::contains)) {
            String log = ExecutedNotebook.strip(run.log);
            System.out.println("kernel did not start for " + notebook.getFileName() + "; trying once more. nbconvert said:\n"
                    + log.substring(Math.max(0, log.length() - 3000)));
            run = executeOnce(notebook, env);
        }
        return run;
    }

    static Run executeOnce(Path notebook, Map<String, String> env) throws Exception {
        Path out = Files.createTempDirectory(dir, "executed");
        Path log = out.resolve("nbconvert.log");
        String name = notebook.getFileName().toString();
        ProcessBuilder pb = new ProcessBuilder(JUPYTER.toString(), "nbconvert", "--execute", "--to", "notebook",
                "--ExecutePreprocessor.kernel_name=java", "--ExecutePreprocessor.startup_timeout=30",
                "--ExecutePreprocessor.timeout=300", "--output-dir", out.toString(), "--output", name,
                notebook.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        // only this test's kernel spec and settings; nothing from the user's Jupyter set-up
        e.keySet().removeAll(List.of("PYTHONPATH", "PYTHONHOME", "OCCAM_SETTINGS_HASH", "OCCAM_ARCHIVE", "OCCAM_TABLES"));
        e.put("JUPYTER_PATH", jupyterPath.toString());
        e.put("JUPYTER_CONFIG_DIR", dir.resolve("jupyter-config").toString());
        e.put("JUPYTER_DATA_DIR", dir.resolve("jupyter-data").toString());
        e.put("JUPYTER_RUNTIME_DIR", dir.resolve("jupyter-runtime").toString());
        e.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            fail("nbconvert did not finish " + name + " in 15 minutes:\n" + tail(Files.readString(log)));
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), out.resolve(name));
    }

    static void requireJupyter() throws Exception {
        String help = "run bin/setup (as root) to install Debian's jupyter-nbconvert and jupyter-client";
        if (!Files.isExecutable(JUPYTER)) {
            fail(JUPYTER + " is missing: " + help);
        }
        Process p = new ProcessBuilder(JUPYTER.toString(), "nbconvert", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(JUPYTER + " nbconvert does not run (" + out.strip() + "): " + help);
        }
    }

    static String tail(String log) {
        String s = ExecutedNotebook.strip(log);
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }
}

package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.engine.TestModels;
import occam.schemas.Archive;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Table;
import occam.schemas.TrainingSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work committed in waves survives a SIGKILL of the analysis JVM, a rerun analyses only the rest, and two analyses
 * on one output share the work through the output's lock: in every case the tables equal a clean run's.
 */
class ResumeTest {

    static final int CHECKPOINTS = 8;
    static final AnalysisSettings SETTINGS = AnalysisSettings.defaults().withSearch(3, 2, 1, 1);
    static final List<String> SETTINGS_FLAGS = List.of("--grid-taus", "3", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "1");

    @TempDir
    static Path dir;
    static Path archiveRoot;
    static Path clean;

    @BeforeAll
    static void archiveAndCleanRun() {
        archiveRoot = dir.resolve("archive");
        Archive archive = new Archive(archiveRoot);
        List<Example> split = TestModels.addition(7, false);
        ModelSpec spec = TestModels.tiny(1);
        int nTrain = (int) split.stream().filter(Example::train).count();
        archive.writeRun(new RunInfo("resume", "add", 7, 0.67, nTrain, split.size() - nTrain, 0, "ours", spec,
                new TrainingSettings(10, 8, 1e-3, 0.9, 0.98, 1e-8, 1.0, 0.1, 0.01), "cpu()", "test",
                Instant.parse("2026-11-22T12:00:00Z")));
        for (int step = 1; step <= CHECKPOINTS; step++) {
            TestModels.Teacher t = TestModels.teacher(spec, "resume", step, 31L * step, 3f, split);
            archive.writeCheckpoint(t.checkpoint());
            if (step == 1) {
                archive.writeExamples("resume", t.examples());
            }
        }
        clean = dir.resolve("clean");
        AnalysisJob.Summary s = analyze(clean, Waves.Policy.DEFAULT);
        assertEquals(CHECKPOINTS, s.analysed());
    }

    static AnalysisJob.Summary analyze(Path out, Waves.Policy waves) {
        return AnalysisJob.run(TestSpark.session(), new AnalysisJob.Config(List.of(archiveRoot.toString()),
                out.toString(), List.of(), false, false, 1, SETTINGS, waves));
    }

    @Test
    void anInterruptedJobCommitsWhatItFinishedAndReleasesItsLock() throws Exception {
        // no wave is due (16 checkpoints, 10 minutes): only the interruption's commit can keep the finished ones;
        // the default search, slow enough here to be interrupted halfway
        Path out = dir.resolve("interrupted");
        Process job = analysisJvm(out, List.of("--engine-threads", "1"));
        List<String> seen = new ArrayList<>();
        boolean searched = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                seen.add(line);
                if (line.contains("search: 1/") && !searched) { // the first result is always logged
                    searched = true;
                    job.toHandle().destroy(); // SIGTERM, as Ctrl-C: the JVM runs its shutdown hooks (the streams stay open)
                }
            }
        }
        assertTrue(job.waitFor(120, TimeUnit.SECONDS));
        assertTrue(searched, "the job ended before its search:\n" + String.join("\n", seen));
        assertTrue(seen.stream().anyMatch(l -> l.contains("interrupted: cancelling the search and committing")), String.join("\n", seen));
        // an interruption is not a failure: no "failed" line, no stack trace, the signal's status
        assertTrue(seen.stream().anyMatch(l -> l.contains("checkpoint(s) committed in all; the same command analyses the rest")),
                String.join("\n", seen));
        assertFalse(seen.stream().anyMatch(l -> l.contains("occam analyze failed")), String.join("\n", seen));
        assertEquals(143, job.exitValue(), "SIGTERM's status");
        assertFalse(Files.exists(out.resolve(OutputLock.NAME)), "the interrupted job released its lock");
        long committed = TestSpark.session().read().parquet(out.resolve(Table.COMPLEXITY.tableName()).toString())
                .select("step").distinct().count();
        assertTrue(committed >= 1 && committed < CHECKPOINTS, committed + " checkpoint(s) committed at the interruption");

        AnalysisJob.Summary rerun = AnalysisJob.run(TestSpark.session(), new AnalysisJob.Config(List.of(archiveRoot.toString()),
                out.toString(), List.of(), false, false, 1, AnalysisSettings.defaults()));
        assertEquals(committed, rerun.alreadyDone());
        assertEquals(CHECKPOINTS - committed, rerun.analysed(), "the rerun analyses only the rest");
    }

    /** {@code occam analyze} of the archive into {@code out} in a JVM of its own, at local[1], output merged. */
    private static Process analysisJvm(Path out, List<String> flags) throws java.io.IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules"))
                .forEach(command::add);
        command.addAll(List.of("-Xmx1g", "-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"),
                AnalyzeCommand.class.getName(), "-i", archiveRoot.toString(), "-o", out.toString(), "--master", "local[1]"));
        command.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    @Test
    void aJobKilledAfterAWaveIsResumedByItsRerun() throws Exception {
        Path out = dir.resolve("killed");
        List<String> flags = new ArrayList<>(List.of("--wave-checkpoints", "2"));
        flags.addAll(SETTINGS_FLAGS);
        Process job = analysisJvm(out, flags);
        List<String> seen = new ArrayList<>();
        boolean firstWave = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                seen.add(line);
                if (line.contains("wave 1:")) {
                    firstWave = true;
                    job.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
                    break;
                }
            }
        }
        assertTrue(job.waitFor(60, TimeUnit.SECONDS));
        assertTrue(firstWave, "the job committed no wave before it ended:\n" + String.join("\n", seen));
        assertTrue(Files.exists(out.resolve(OutputLock.NAME)), "the killed job's lock is left behind");
        long committed = TestSpark.session().read().parquet(out.resolve(Table.COMPLEXITY.tableName()).toString())
                .select("step").distinct().count();
        assertTrue(committed >= 2 && committed < CHECKPOINTS, committed + " checkpoint(s) committed at the kill");

        AnalysisJob.Summary rerun = analyze(out, Waves.Policy.DEFAULT);
        assertEquals(committed, rerun.alreadyDone());
        assertEquals(CHECKPOINTS - committed, rerun.analysed(), "the rerun analyses only the rest");
        assertFalse(Files.exists(out.resolve(OutputLock.NAME)), "the stale lock was recovered and released");
        assertTablesEqualClean(out);
    }

    @Test
    void twoAnalysesOnOneOutputDoTheWorkOnce() throws Exception {
        Path out = dir.resolve("concurrent");
        CompletableFuture<AnalysisJob.Summary> a = CompletableFuture.supplyAsync(() -> analyze(out, new Waves.Policy(4, 10)));
        CompletableFuture<AnalysisJob.Summary> b = CompletableFuture.supplyAsync(() -> analyze(out, new Waves.Policy(4, 10)));
        AnalysisJob.Summary sa = a.get(5, TimeUnit.MINUTES);
        AnalysisJob.Summary sb = b.get(5, TimeUnit.MINUTES);
        assertEquals(CHECKPOINTS, sa.analysed() + sb.analysed(), "total search work is one job's");
        assertTablesEqualClean(out);
    }

    @Test
    void aDamagedOrMissingFileInAnyTableIsRedoneByTheRerun() throws Exception {
        // a clean output, then: one table's file truncated (its rows unreadable), another's deleted (its rows gone)
        Path out = dir.resolve("damaged");
        copy(clean, out);
        Path coarse = onlyFile(out.resolve(Table.COARSE_MODELS.tableName()).resolve("run_id=resume"));
        Files.write(coarse, Arrays.copyOf(Files.readAllBytes(coarse), 100));
        AnalysisJob.Summary redone = analyze(out, Waves.Policy.DEFAULT);
        assertEquals(CHECKPOINTS, redone.analysed(), "a damaged file: its run's checkpoints are analysed again");
        assertTablesEqualClean(out);

        Files.delete(onlyFile(out.resolve(Table.BASELINES.tableName()).resolve("run_id=resume")));
        AnalysisJob.Summary refilled = analyze(out, Waves.Policy.DEFAULT);
        assertEquals(CHECKPOINTS, refilled.analysed(), "checkpoints without baselines rows are not analysed");
        assertTablesEqualClean(out);
    }

    private static Path onlyFile(Path partition) throws Exception {
        try (Stream<Path> files = Files.list(partition)) {
            List<Path> parquet = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
            assertEquals(1, parquet.size(), partition + ": " + parquet);
            return parquet.get(0);
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void assertTablesEqualClean(Path out) throws Exception {
        for (Table t : OutputStore.TABLES) {
            assertEquals(GoldenTablesTest.dump(clean.resolve(t.tableName())), GoldenTablesTest.dump(out.resolve(t.tableName())),
                    t.tableName());
        }
    }
}

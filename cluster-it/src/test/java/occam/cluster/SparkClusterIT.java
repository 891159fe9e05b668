package occam.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import occam.schemas.Table;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The analysis job's spark-submit jar on a real Spark standalone cluster (one Master, two Workers of 2 cores, separate
 * JVMs on 127.0.0.1), submitted with the command of analysis-spark/README.md ("Running on a cluster"), taken from the
 * README itself with only the master URL, the paths and small search settings changed. A tiny run trained by the real
 * trainer (4 checkpoints) is analysed four times: local[2] (the reference), client mode, cluster mode, and client mode
 * with one executor JVM killed by SIGKILL while it analyses a checkpoint. Every run must produce the reference's
 * tables exactly; the cluster runs must have analysed every checkpoint in executor JVMs (their own logs, their process
 * ids seen on this machine as executors, not the driver), at least two of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {

    static final String RUN = "add-none-s0";
    static final Set<String> CHECKPOINTS = Set.of(RUN + "@1", RUN + "@2", RUN + "@3", RUN + "@4");
    /** Small search settings keep each run short; the submit command itself is the README's. */
    static final String SETTINGS = "--grid-taus 3 --bisection-steps 2 --search-levels 1 --refine-steps 1";
    static final Duration JOB_LIMIT = Duration.ofMinutes(6);
    static final String SUMMARY = "4 analysed, 0 quarantined";

    static final Pattern README_BLOCK = Pattern.compile("<!-- cluster-it[^>]*-->\\s*```bash\\n(.*?)```", Pattern.DOTALL);
    static final Pattern DRIVER_ID = Pattern.compile("Driver successfully submitted as (driver-\\S+)");

    static Path repo;
    static Path dir;
    static Path archive;
    static String readmeCommand;
    static StandaloneCluster cluster;
    static Map<String, Map<String, List<List<String>>>> reference;
    static final Map<String, Double> seconds = new ConcurrentHashMap<>();

    @BeforeAll
    static void trainStartAndAnalyseLocally() throws Exception {
        repo = Path.of(System.getProperty("occam.repo")).toRealPath();
        Path jar = Path.of(System.getProperty("occam.submitJar"));
        assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + " (mvn package of analysis-spark makes it)");
        Path jars = Path.of(System.getProperty("occam.sparkHome"), "jars");
        assertTrue(Files.isDirectory(jars), "no Spark jars at " + jars + " (mvn package of spark-home makes them)");
        readmeCommand = readmeCommand(repo.resolve("analysis-spark/README.md"));
        dir = Files.createDirectories(Path.of(System.getProperty("occam.workDir"))
                .resolve("run-" + System.currentTimeMillis()));

        archive = dir.resolve("archive");
        Trainer.run(TrainingConfig.builder(Task.ADD, Regime.NONE).p(11).epochs(4).seed(0).device(DeviceChoice.CPU)
                .threads(1).runId(RUN).out(archive).build());

        cluster = StandaloneCluster.start(dir, jars, 2, 2, "2g", Duration.ofMinutes(25));
        Runtime.getRuntime().addShutdownHook(new Thread(SparkClusterIT::tearDownQuietly));

        Path out = dir.resolve("tables-local");
        Submitted local = submit("local", "'local[2]'", "client", out);
        assertEquals(0, local.await(), local.tail());
        assertTrue(local.output().contains(SUMMARY), local.tail());
        recordSearchSeconds("local", cluster.log("local"));
        reference = OutputTables.dump(out);
        assertEquals(1, reference.size(), "one settings hash");
        String hash = reference.keySet().iterator().next();
        assertEquals(4, reference.get(hash).get(Table.BASELINES.tableName()).size(), "a baseline per checkpoint");
        assertEquals(4 * 7 * 2, reference.get(hash).get(Table.COMPLEXITY.tableName()).size(),
                "4 checkpoints x 7 epsilons x 2 codecs");
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            if (cluster != null) {
                cluster.close(); // fails the class if any process survives
            }
        } finally {
            String report = String.format("cluster test %s (this machine, 2 cores), wall seconds from submit "
                    + "to the end (the search job alone): local[2] %s, client mode %s, cluster mode %s (until the Master "
                    + "shows the driver FINISHED), client mode with an executor killed %s", LocalDate.now(),
                    figure("local"), figure("client"), figure("cluster"), figure("killed"));
            System.out.println(report);
            if (dir != null) {
                Files.writeString(dir.resolve("timings.txt"), report + "\n");
            }
        }
    }

    private static String figure(String run) {
        return String.format("%.1f (%.1f)", seconds.getOrDefault(run, Double.NaN),
                seconds.getOrDefault(run + "-search", Double.NaN));
    }

    /** Seconds of the search jobs ("Job N finished: <action> at SearchStage.java:L, took S s"), summed over waves. */
    private static void recordSearchSeconds(String run, Path driverLog) throws IOException {
        Matcher m = Pattern.compile("finished: \\S+ at SearchStage\\.java:\\d+, took ([\\d.]+) s")
                .matcher(Files.readString(driverLog, StandardCharsets.ISO_8859_1));
        double total = 0;
        boolean found = false;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
            found = true;
        }
        if (found) {
            seconds.put(run + "-search", total);
        }
    }

    private static void tearDownQuietly() {
        try {
            cluster.close();
        } catch (RuntimeException | AssertionError e) {
            // the JVM is going away; the timeout wrappers bound whatever is left
        }
    }

    @Test
    @Order(1)
    void clientModeRunsOnTwoExecutorsAndWritesTheLocalTables() throws Exception {
        Path out = dir.resolve("tables-client");
        Submitted client = submit("client", cluster.masterUrl(), "client", out);
        assertEquals(0, client.await(), client.tail());
        assertTrue(client.output().contains(SUMMARY), client.tail());
        recordSearchSeconds("client", cluster.log("client"));

        String appId = ExecutorLogs.appId(cluster.log("client"));
        assertNotNull(appId, "the driver log names its application");
        assertAnalysedOnExecutors(appId, client.seen(), "org.apache.spark.deploy.SparkSubmit", 2);
        assertEquals(reference, OutputTables.dump(out));
    }

    @Test
    @Order(2)
    void clusterModeDriverFinishesAndWritesTheLocalTables() throws Exception {
        Path out = dir.resolve("tables-cluster");
        Submitted submitted = submit("cluster", cluster.masterUrl(), "cluster", out);
        assertEquals(0, submitted.await(), "the submission itself: " + submitted.tail());
        Matcher m = DRIVER_ID.matcher(submitted.output());
        assertTrue(m.find(), submitted.tail());
        String driverId = m.group(1);

        // the submit exit code does not tell how the driver ended: the Master does
        String state = null;
        long end = System.nanoTime() + JOB_LIMIT.toNanos();
        while (state == null && System.nanoTime() < end) {
            for (JsonNode d : cluster.masterStatus().path("completeddrivers")) {
                if (d.path("id").asText().equals(driverId)) {
                    state = d.path("state").asText();
                }
            }
            if (state == null) {
                Thread.sleep(500);
            }
        }
        seconds.put("cluster", submitted.elapsed());
        submitted.stopSampling();
        Path driverDir = cluster.workerDirs().stream().map(w -> w.resolve(driverId)).filter(Files::isDirectory)
                .findFirst().orElseThrow(() -> new AssertionError("no work dir for " + driverId));
        String driverOut = Files.readString(driverDir.resolve("stdout"), StandardCharsets.ISO_8859_1);
        assertEquals("FINISHED", state, "driver " + driverId + ": " + tail(driverDir.resolve("stderr")));
        assertTrue(driverOut.contains(SUMMARY), driverOut);
        recordSearchSeconds("cluster", driverDir.resolve("stderr"));

        String appId = ExecutorLogs.appId(driverDir.resolve("stderr"));
        assertNotNull(appId, "the driver log names its application");
        assertAnalysedOnExecutors(appId, submitted.seen(), "org.apache.spark.deploy.worker.DriverWrapper", 2);
        assertEquals(reference, OutputTables.dump(out));
    }

    @Test
    @Order(3)
    void anExecutorKilledMidCheckpointCostsTimeNotRows() throws Exception {
        Path out = dir.resolve("tables-killed");
        Submitted job = submit("killed", cluster.masterUrl(), "client", out);

        // once an executor's log has said for 2 s that it is analysing a checkpoint (and not that it finished),
        // SIGKILL that executor's JVM: the work it had done on that checkpoint is lost with it
        ExecutorLogs victim = null;
        String checkpoint = null;
        Map<String, Long> firstSeen = new java.util.HashMap<>();
        long end = System.nanoTime() + JOB_LIMIT.toNanos();
        while (victim == null && job.process().isAlive() && System.nanoTime() < end) {
            String appId = ExecutorLogs.appId(cluster.log("killed"));
            for (ExecutorLogs e : appId == null ? List.<ExecutorLogs>of() : ExecutorLogs.of(cluster.workerDirs(), appId)) {
                String running = e.running();
                if (running == null || e.pid() < 0) {
                    continue;
                }
                long since = firstSeen.computeIfAbsent(e.executorId() + " " + running, k -> System.nanoTime());
                if (System.nanoTime() - since < 2_000_000_000L) {
                    continue;
                }
                ProcessHandle h = ProcessHandle.of(e.pid()).orElseThrow(() -> new AssertionError("executor gone: " + e));
                String cmd = h.info().commandLine().orElse("");
                assertTrue(cmd.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
                        && cmd.contains("--executor-id " + e.executorId()) && cmd.contains(appId), cmd);
                assertTrue(h.destroyForcibly(), "SIGKILL to " + e.pid());
                h.onExit().get(10, TimeUnit.SECONDS);
                victim = e;
                checkpoint = running;
                break;
            }
            Thread.sleep(100);
        }
        assertNotNull(victim, "no executor was seen analysing a checkpoint: " + job.tail());
        ExecutorLogs killed = victim;
        String lost = checkpoint;

        assertEquals(0, job.await(), job.tail());
        assertTrue(job.output().contains(SUMMARY), job.tail());
        recordSearchSeconds("killed", cluster.log("killed"));
        assertTrue(job.output().matches("(?s).*Lost executor " + killed.executorId() + "\\b.*"),
                "the driver noticed the lost executor: " + job.tail());

        List<ExecutorLogs> logs = ExecutorLogs.of(cluster.workerDirs(), killed.appId());
        ExecutorLogs dead = logs.stream().filter(e -> e.executorId().equals(killed.executorId())
                && e.worker().equals(killed.worker())).findFirst().orElseThrow();
        assertFalse(dead.analysed().contains(lost), "the kill landed while " + lost + " was being analysed");
        assertTrue(logs.stream().anyMatch(e -> e != dead && e.analysed().contains(lost)),
                lost + " analysed again on another executor: " + logs);
        // the replacement executor may or may not get work before the survivor finishes: one JVM is enough here
        assertAnalysedOnExecutors(killed.appId(), job.seen(), "org.apache.spark.deploy.SparkSubmit", 1);
        assertEquals(reference, OutputTables.dump(out), "no checkpoint missing, none counted twice");
        System.out.printf("killed executor %s (pid %d) while it analysed %s%n", killed.executorId(), killed.pid(), lost);
    }

    // ---- helpers

    /**
     * Every checkpoint was analysed by an executor (its own log says so), at least {@code min} executor JVMs did some,
     * and each of those JVMs was seen on this machine as a Spark executor of this application, distinct from the driver.
     */
    private static void assertAnalysedOnExecutors(String appId, Map<Long, String> seen, String driverClass, int min) {
        List<ExecutorLogs> logs = ExecutorLogs.of(cluster.workerDirs(), appId);
        List<ExecutorLogs> working = logs.stream().filter(e -> !e.analysed().isEmpty()).toList();
        Set<String> analysed = new TreeSet<>();
        working.forEach(e -> analysed.addAll(e.analysed()));
        assertEquals(new TreeSet<>(CHECKPOINTS), analysed, "checkpoints analysed in executors: " + logs);
        assertTrue(working.size() >= min, "executors that analysed checkpoints: " + working);

        Set<Long> drivers = seen.entrySet().stream().filter(e -> e.getValue().contains(driverClass))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertFalse(drivers.isEmpty(), "the driver (" + driverClass + ") was seen running");
        Set<Long> pids = new TreeSet<>();
        for (ExecutorLogs e : working) {
            String cmd = seen.getOrDefault(e.pid(), "");
            assertTrue(cmd.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
                    && cmd.contains("--executor-id " + e.executorId()) && cmd.contains("--app-id " + appId),
                    "pid " + e.pid() + " of executor " + e.executorId() + " ran as: " + cmd);
            assertFalse(drivers.contains(e.pid()));
            pids.add(e.pid());
        }
        assertEquals(working.size(), pids.size(), "one JVM per executor");
    }

    /** The README's cluster block, to be run by bash from the repository root. */
    static String readmeCommand(Path readme) throws IOException {
        Matcher m = README_BLOCK.matcher(Files.readString(readme));
        assertTrue(m.find(), "no <!-- cluster-it --> bash block in " + readme);
        String block = m.group(1).strip();
        for (String s : List.of("/opt/spark", "bin/occam-submit", "spark://master-host:7077", "--deploy-mode cluster", "/data/archive",
                "/data/tables")) {
            assertTrue(block.contains(s), "the README block has " + s);
        }
        return block;
    }

    /** Runs the README's command with this master, deploy mode and output root (and the small settings). */
    static Submitted submit(String name, String master, String deployMode, Path out) throws IOException {
        String command = readmeCommand.replace("/opt/spark", cluster.sparkHome().toString())
                .replace("bin/occam-submit", repo.resolve("bin/occam-submit").toString())
                .replace("spark://master-host:7077", master)
                .replace("--deploy-mode cluster", "--deploy-mode " + deployMode)
                .replace("/data/archive", archive.toString())
                .replace("/data/tables", out.toString())
                + " " + SETTINGS;
        Files.writeString(dir.resolve("logs/" + name + ".command"), command + "\n");
        long start = System.nanoTime();
        Process p = cluster.launch(name, List.of("bash", "-c", command), dir, JOB_LIMIT);
        return new Submitted(name, p, start);
    }

    /** A submitted job: its process, its log, and every process of the cluster seen while it ran (pid -> its command lines). */
    static final class Submitted {
        private final String name;
        private final Process process;
        private final long start;
        private final Map<Long, String> seen = new ConcurrentHashMap<>();
        private final Thread sampler;
        private volatile boolean sampling = true;

        Submitted(String name, Process process, long start) {
            this.name = name;
            this.process = process;
            this.start = start;
            this.sampler = new Thread(() -> {
                while (sampling) {
                    for (ProcessHandle h : cluster.processes()) {
                        // every command line a pid shows: a script that execs java keeps its pid
                        h.info().commandLine().ifPresent(c -> seen.merge(h.pid(), c,
                                (before, now) -> before.contains(now) ? before : before + "\n" + now));
                    }
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "sampler-" + name);
            sampler.setDaemon(true);
            sampler.start();
        }

        Process process() {
            return process;
        }

        /** Waits for the submit process (within the job limit); records its wall time. */
        int await() throws InterruptedException {
            if (!process.waitFor(JOB_LIMIT.toSeconds() + 10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish within " + JOB_LIMIT + ": " + tail());
            }
            if (!name.equals("cluster")) {
                seconds.put(name, elapsed());
                stopSampling();
            }
            return process.exitValue();
        }

        double elapsed() {
            return (System.nanoTime() - start) / 1e9;
        }

        void stopSampling() throws InterruptedException {
            sampling = false;
            sampler.join();
        }

        Map<Long, String> seen() {
            return seen;
        }

        String output() {
            try {
                return Files.readString(cluster.log(name), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        String tail() {
            return SparkClusterIT.tail(cluster.log(name));
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            List<String> keep = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            return "\n... " + log + ":\n" + String.join("\n", keep);
        } catch (IOException e) {
            return "(no " + log + ")";
        }
    }
}

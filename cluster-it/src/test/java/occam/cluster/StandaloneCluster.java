package occam.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and some Workers, each its own JVM, run from a Spark home made
 * of the spark-home module's jars folder and a shortened copy of Spark's bin/spark-submit. Every process started here
 * runs under {@code timeout -s KILL}, so none outlives its limit even if the test JVM dies; {@link #close()} kills
 * every process tree (executors and cluster-mode drivers are the Workers' children) and then proves that no process
 * whose command line names this cluster's directory is left.
 */
final class StandaloneCluster implements AutoCloseable {

    /** Halve the start-up of the Master and Worker JVMs on 2 cores (executors and drivers keep the full JIT). */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:CICompilerCount=1", "-Xmx256m");

    private final Path dir;
    private final Path sparkHome;
    private final Path logs;
    private final int masterPort;
    private final int masterWebPort;
    private final List<Path> workerDirs = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private StandaloneCluster(Path dir, Path jars) throws IOException {
        this.dir = dir;
        this.sparkHome = dir.resolve("spark-home");
        this.logs = Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(sparkHome.resolve("bin"));
        Files.createDirectories(dir.resolve("local"));
        Files.createSymbolicLink(sparkHome.resolve("jars"), jars.toAbsolutePath());
        Path submit = sparkHome.resolve("bin/spark-submit");
        try (var in = StandaloneCluster.class.getResourceAsStream("spark-submit")) {
            Files.copy(in, submit);
        }
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.masterPort = freePort();
        this.masterWebPort = freePort();
    }

    /**
     * Starts the Master and {@code workers} Workers ({@code cores} and {@code memory} each) and waits until all
     * Workers are ALIVE on the Master's status page. {@code limit} bounds the life of every daemon.
     */
    static StandaloneCluster start(Path dir, Path jars, int workers, int cores, String memory, Duration limit)
            throws Exception {
        StandaloneCluster c = new StandaloneCluster(dir, jars);
        try {
            c.daemon("master", limit, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(c.masterPort), "--webui-port", String.valueOf(c.masterWebPort));
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                c.workerDirs.add(work);
                c.daemon("worker-" + i, limit, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--port", "0", "--webui-port", "0", "--cores", String.valueOf(cores), "--memory", memory,
                        "--work-dir", work.toString(), c.masterUrl());
            }
            c.awaitAliveWorkers(workers, Duration.ofSeconds(120));
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    Path sparkHome() {
        return sparkHome;
    }

    List<Path> workerDirs() {
        return workerDirs;
    }

    /** The environment every process of the cluster gets: this Spark home, loopback only, scratch space inside dir. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.equals("HADOOP_CONF_DIR"));
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }

    /**
     * Runs {@code command} in {@code workDir} under a hard limit, output (stdout and stderr) to logs/{@code name}.log.
     * The process is the cluster's to kill on close.
     */
    Process launch(String name, List<String> command, Path workDir, Duration limit) throws IOException {
        List<String> bounded = new ArrayList<>(List.of("timeout", "-s", "KILL", String.valueOf(limit.toSeconds())));
        bounded.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(bounded).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        pb.environment().clear();
        pb.environment().putAll(environment());
        synchronized (started) {
            Process p = pb.start();
            started.add(p);
            return p;
        }
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    private void daemon(String name, Duration limit, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(FAST_START);
        cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        launch(name, cmd, dir, limit);
    }

    /** The Master's status page ({@code /json/}): workers, apps, drivers and their states. */
    JsonNode masterStatus() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterWebPort + "/json/"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("Master /json/ answered " + res.statusCode());
        }
        return json.readTree(res.body());
    }

    private void awaitAliveWorkers(int n, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        int alive = 0;
        while (System.nanoTime() < end) {
            for (Process p : started) {
                if (!p.isAlive()) {
                    throw new AssertionError("a cluster daemon exited with " + p.exitValue() + "; see " + logs);
                }
            }
            try {
                alive = masterStatus().path("aliveworkers").asInt();
                if (alive == n) {
                    return;
                }
            } catch (IOException e) {
                // the Master's web UI is not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(alive + " of " + n + " workers alive after " + limit + "; see " + logs);
    }

    /** Live processes whose command line names this cluster's directory (not the test JVM or its ancestors). */
    List<ProcessHandle> processes() {
        Set<Long> mine = new HashSet<>();
        for (ProcessHandle h = ProcessHandle.current(); h != null; h = h.parent().orElse(null)) {
            mine.add(h.pid());
        }
        String marker = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> !mine.contains(h.pid()))
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    /**
     * Kills every process tree started here (SIGKILL: executors and drivers first, then Workers and Master), then
     * anything else still naming this directory, and fails if a process survives.
     */
    @Override
    public void close() {
        List<ProcessHandle> victims = new ArrayList<>();
        synchronized (started) {
            for (Process p : started) {
                victims.addAll(p.descendants().toList());
            }
            for (Process p : started) {
                victims.add(p.toHandle());
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ProcessHandle> left = victims;
        while (System.nanoTime() < end) {
            left.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle h : left) {
                h.onExit().completeOnTimeout(h, 5, java.util.concurrent.TimeUnit.SECONDS).join();
            }
            List<ProcessHandle> alive = new ArrayList<>(victims.stream().filter(ProcessHandle::isAlive).toList());
            alive.addAll(processes());
            if (alive.isEmpty()) {
                return;
            }
            left = alive;
        }
        throw new AssertionError("processes left after teardown: "
                + left.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

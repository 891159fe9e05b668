package occam.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bin/occam-submit without a cluster: the spark-submit command it builds (--dry-run) and its usage errors. */
class OccamSubmitTest {

    static final Path REPO = Path.of(System.getProperty("occam.repo", ".."));

    record Result(int exit, String out) {}

    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", REPO.resolve("bin/occam-submit").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_HOME", "/opt/spark");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    /** The words of a --dry-run line (printf %q quoting: a backslash escapes the next character). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
            } else if (c == ' ') {
                if (!w.isEmpty()) {
                    out.add(w.toString());
                }
                w.setLength(0);
            } else {
                w.append(c);
            }
        }
        if (!w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }

    static String conf(List<String> words, String key) {
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("--conf") && words.get(i + 1).startsWith(key + "=")) {
                return words.get(i + 1).substring(key.length() + 1);
            }
        }
        return null;
    }

    @Test
    void dryRunIsSparkSubmitWithTheClassTheJarAndTheJavaOptions() throws Exception {
        Result r = run("--master", "spark://h:7077", "--deploy-mode", "cluster", "--executor-cores", "2",
                "--executor-memory", "3g", "--conf", "spark.sql.shuffle.partitions=8", "--jar", "/x/job.jar", "--dry-run",
                "--", "--input", "/in", "--output", "/out");
        assertEquals(0, r.exit(), r.out());
        List<String> w = words(r.out().strip());
        assertEquals("/opt/spark/bin/spark-submit", w.get(0));
        assertEquals(List.of("--master", "spark://h:7077", "--deploy-mode", "cluster", "--executor-cores", "2",
                "--executor-memory", "3g", "--conf", "spark.sql.shuffle.partitions=8",
                "--class", "occam.analysis.job.AnalyzeCommand"), w.subList(1, 13));
        assertEquals(List.of("/x/job.jar", "--input", "/in", "--output", "/out"), w.subList(w.size() - 5, w.size()));

        // the cluster-mode driver gets exactly the parent pom's add-opens list (what Spark's launcher adds)
        Matcher m = Pattern.compile("<spark.add-opens>(.*?)</spark.add-opens>").matcher(Files.readString(REPO.resolve("pom.xml")));
        assertTrue(m.find());
        assertEquals(m.group(1) + " --add-modules=jdk.incubator.vector", conf(w, "spark.driver.extraJavaOptions"));
        assertEquals("--add-modules=jdk.incubator.vector", conf(w, "spark.executor.extraJavaOptions"));
    }

    @Test
    void theUsersOwnJavaOptionsAreKept() throws Exception {
        Result r = run("--master", "yarn", "--conf", "spark.driver.extraJavaOptions=-Dmine=1",
                "--conf", "spark.executor.extraJavaOptions=-Xss4m", "--dry-run", "--", "--input", "i", "--output", "o");
        assertEquals(0, r.exit(), r.out());
        List<String> w = words(r.out().strip());
        assertTrue(conf(w, "spark.driver.extraJavaOptions").startsWith("-Dmine=1 -XX:+IgnoreUnrecognizedVMOptions --add-opens="));
        assertEquals("-Xss4m --add-modules=jdk.incubator.vector", conf(w, "spark.executor.extraJavaOptions"));
        assertEquals(1, w.stream().filter(s -> s.startsWith("spark.driver.extraJavaOptions=")).count());
    }

    @Test
    void badUsageExitsTwoWithAReason() throws Exception {
        Result noMaster = run("--", "--input", "i", "--output", "o");
        assertEquals(2, noMaster.exit());
        assertTrue(noMaster.out().contains("--master is required"), noMaster.out());
        Result noJobFlags = run("--master", "spark://h:7077");
        assertEquals(2, noJobFlags.exit());
        assertTrue(noJobFlags.out().contains("no job flags"), noJobFlags.out());
        Result stray = run("--master", "spark://h:7077", "--input", "i");
        assertEquals(2, stray.exit());
        Result help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--executor-memory") && help.out().contains("--deploy-mode"), help.out());
    }
}

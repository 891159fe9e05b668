package occam.analysis.job;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import occam.schemas.Table;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The analyze flags checked before any work: each problem is one line naming the flag, the value and what is
 * expected. Nothing here writes anything.
 */
final class UsageChecks {

    /** Spark master URLs this job accepts. */
    private static final Pattern MASTER = Pattern.compile(
            "local|local\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?]|local-cluster\\[[1-9]\\d*,[1-9]\\d*,[1-9]\\d*]"
                    + "|spark://[^/:,]+:\\d+(,[^/:,]+:\\d+)*|yarn|k8s://\\S+|mesos://\\S+");
    private static final Pattern RUN_DIR = Pattern.compile("run_id=([A-Za-z0-9._-]+)");

    private UsageChecks() {}

    /** The first problem with the search settings, or null. */
    static String settings(SettingsOptions s) {
        if (s.epsilons.isEmpty()) {
            return "--epsilons: expected at least one distortion bound > 0 (nats)";
        }
        for (double e : s.epsilons) {
            if (!(e > 0) || Double.isInfinite(e)) {
                return "--epsilons " + e + ": expected distortion bounds > 0 (nats)";
            }
        }
        if (new HashSet<>(s.epsilons).size() != s.epsilons.size()) {
            return "--epsilons " + join(s.epsilons) + ": expected distinct values";
        }
        if (s.gridTaus < 2) {
            return "--grid-taus " + s.gridTaus + ": expected an integer >= 2 (the grid holds --tau-min and tau = 1)";
        }
        if (s.bisectionSteps < 1) {
            return "--bisection-steps " + s.bisectionSteps + ": expected an integer >= 1";
        }
        if (s.levels < 1) {
            return "--search-levels " + s.levels + ": expected an integer >= 1";
        }
        if (s.refinementSteps < 0) {
            return "--refine-steps " + s.refinementSteps + ": expected an integer >= 0";
        }
        if (!(s.tauMin >= 0 && s.tauMin < 1)) {
            return "--tau-min " + s.tauMin + ": expected a fraction in [0, 1)";
        }
        if (!(s.deltaMin > 0) || Double.isInfinite(s.deltaMin)) {
            return "--delta-min " + s.deltaMin + ": expected a step > 0";
        }
        if (!(s.deltaMax > s.deltaMin) || Double.isInfinite(s.deltaMax)) {
            return "--delta-max " + s.deltaMax + ": expected a finite step > --delta-min (" + s.deltaMin + ")";
        }
        if (s.candidates < 1) {
            return "--candidates " + s.candidates + ": expected an integer >= 1";
        }
        if (!(s.boundDelta > 0 && s.boundDelta < 1)) {
            return "--bound-delta " + s.boundDelta + ": expected a probability in (0, 1)";
        }
        try {
            s.settings(); // flags added later are checked by the settings themselves
        } catch (IllegalArgumentException e) {
            return "analysis settings: " + e.getMessage();
        }
        return null;
    }

    static String threads(Integer threads) {
        return threads != null && threads < 1 ? "--engine-threads " + threads + ": expected an integer >= 1" : null;
    }

    static String master(String master) {
        if (master == null || MASTER.matcher(master).matches()) {
            return null;
        }
        return "--master " + master + ": expected local, local[N], local[*], local[N,F], spark://HOST:PORT, yarn or k8s://URL";
    }

    static String waves(int checkpoints, double minutes) {
        if (checkpoints < 1) {
            return "--wave-checkpoints " + checkpoints + ": expected an integer >= 1";
        }
        if (!(minutes > 0) || Double.isInfinite(minutes)) {
            return "--wave-minutes " + minutes + ": expected a duration > 0";
        }
        return null;
    }

    /** Every input an archive root, the output a writable directory outside every input, the run patterns matching. */
    static String paths(List<String> inputs, String output, List<String> runPatterns) {
        // the Hadoop settings Spark will use (spark.hadoop.* from spark-submit included), without starting Spark
        if (inputs.stream().anyMatch(String::isBlank)) {
            return "--input: an empty path; give an archive root";
        }
        if (output.isBlank()) {
            return "--output: an empty path; give the tables' root";
        }
        Configuration conf = org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(new org.apache.spark.SparkConf());
        List<Path> roots = new ArrayList<>();
        Set<String> runIds = new TreeSet<>();
        for (String input : inputs) {
            try {
                Path root = new Path(input);
                FileSystem fs = root.getFileSystem(conf);
                root = fs.makeQualified(root);
                if (!fs.exists(root)) {
                    return "--input " + input + ": not found";
                }
                if (!fs.getFileStatus(root).isDirectory()) {
                    return "--input " + input + ": is a file, expected an archive root (a directory written by occam train)";
                }
                Path runs = new Path(root, Table.RUNS.tableName());
                Path checkpoints = new Path(root, Table.CHECKPOINTS.tableName());
                if (!fs.exists(runs) && !fs.exists(checkpoints)) {
                    return "--input " + input + ": not an archive root (no " + Table.RUNS.tableName() + "/ or "
                            + Table.CHECKPOINTS.tableName() + "/ in it)";
                }
                for (Path dir : List.of(runs, checkpoints)) {
                    FileStatus[] found = fs.globStatus(new Path(dir, "run_id=*"));
                    for (FileStatus f : found == null ? new FileStatus[0] : found) {
                        Matcher m = RUN_DIR.matcher(f.getPath().getName());
                        if (m.matches()) {
                            runIds.add(m.group(1));
                        }
                    }
                }
                roots.add(root);
            } catch (IOException | IllegalArgumentException e) {
                return "--input " + input + ": cannot be read (" + e.getMessage() + ")";
            }
        }
        for (String pattern : runPatterns) {
            // each one: a typo in a list must not vanish beside the patterns that match
            Predicate<String> filter = InputScan.runFilter(List.of(pattern));
            if (runIds.stream().noneMatch(filter)) {
                return "--runs " + (runPatterns.size() > 1 ? String.join(",", runPatterns) + ": " + pattern : pattern)
                        + ": matches no run of " + String.join(", ", inputs)
                        + (runIds.isEmpty() ? " (it has no runs)" : " (runs there: " + abbreviate(runIds) + ")");
            }
        }
        try {
            Path out = new Path(output);
            FileSystem fs = out.getFileSystem(conf);
            out = fs.makeQualified(out);
            for (Path root : roots) {
                if (isSameOrInside(out, root)) {
                    return "--output " + output + ": is " + (out.equals(root) ? "the input " : "inside the input ") + root
                            + "; expected a directory outside every archive";
                }
            }
            if (fs.exists(out) && !fs.getFileStatus(out).isDirectory()) {
                return "--output " + output + ": is a file, expected a directory for the output tables";
            }
            // found now, not at the first commit after minutes of search: a table or a run's partition that is a file
            for (Table table : OutputStore.TABLES) {
                Path dir = new Path(out, table.tableName());
                if (!fs.exists(dir)) {
                    continue;
                }
                if (!fs.getFileStatus(dir).isDirectory()) {
                    return "--output " + output + ": " + dir + " is a file, expected the " + table.tableName()
                            + " table's directory (move it away, or choose another --output)";
                }
                FileStatus[] partitions = fs.globStatus(new Path(dir, "run_id=*"));
                for (FileStatus f : partitions == null ? new FileStatus[0] : partitions) {
                    if (!f.isDirectory()) {
                        return "--output " + output + ": " + f.getPath() + " is a file, expected a run's partition"
                                + " directory (move it away, or choose another --output)";
                    }
                }
            }
            if (fs instanceof LocalFileSystem) {
                java.nio.file.Path p = java.nio.file.Path.of(out.toUri());
                while (p != null && !Files.exists(p)) {
                    p = p.getParent();
                }
                if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
                    return "--output " + output + ": not writable" + (p == null ? "" : " (" + p + " is "
                            + (Files.isDirectory(p) ? "read-only" : "not a directory") + ")");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return "--output " + output + ": cannot be reached (" + e.getMessage() + ")";
        }
        return null;
    }

    /** For a standalone master: a TCP connect, so an unreachable master fails in seconds, not after Spark's retries. */
    static String unreachableMaster(String master) {
        if (master == null || !master.startsWith("spark://")) {
            return null;
        }
        String last = null;
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                        5000);
                return null;
            } catch (IOException | IllegalArgumentException e) {
                last = e.getMessage();
            }
        }
        return "Spark master " + master + " is unreachable (" + last + ")";
    }

    private static boolean isSameOrInside(Path p, Path root) {
        for (Path q = p; q != null; q = q.getParent()) {
            if (q.equals(root)) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(Set<String> ids) {
        List<String> l = new ArrayList<>(ids);
        return l.size() <= 5 ? String.join(", ", l) : String.join(", ", l.subList(0, 5)) + " and " + (l.size() - 5) + " more";
    }

    private static String join(List<Double> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }
}

package occam.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What each executor of one application wrote in its own log, {@code <worker dir>/<app id>/<executor id>/stderr}:
 * its process id (Spark's "Started daemon with process name: pid@host") and the checkpoints the job says it started
 * and finished there ("checkpoint run@step: analysing on executor N (attempt A)" / "...: analysed on executor N").
 */
record ExecutorLogs(String appId, String executorId, Path worker, long pid, List<Started> started, List<String> analysed) {

    /** A task attempt that began analysing a checkpoint. */
    record Started(String checkpoint, int attempt) {}

    private static final Pattern PID = Pattern.compile("Started daemon with process name: (\\d+)@");
    private static final Pattern STARTED = Pattern.compile("checkpoint (\\S+): analysing on executor (\\S+) \\(attempt (\\d+)\\)");
    private static final Pattern ANALYSED = Pattern.compile("checkpoint (\\S+): analysed on executor (\\S+) in ");
    static final Pattern APP_ID = Pattern.compile("Connected to Spark cluster with app ID (app-\\S+)");

    /** Every executor of {@code appId} on these workers, as far as their logs go now. */
    static List<ExecutorLogs> of(List<Path> workerDirs, String appId) {
        List<ExecutorLogs> out = new ArrayList<>();
        for (Path worker : workerDirs) {
            Path app = worker.resolve(appId);
            if (!Files.isDirectory(app)) {
                continue;
            }
            try (Stream<Path> executors = Files.list(app)) {
                for (Path e : executors.sorted().toList()) {
                    Path stderr = e.resolve("stderr");
                    if (Files.exists(stderr)) {
                        out.add(parse(appId, e.getFileName().toString(), worker, Files.readAllLines(stderr, java.nio.charset.StandardCharsets.ISO_8859_1)));
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }

    private static ExecutorLogs parse(String appId, String executorId, Path worker, List<String> lines) {
        long pid = -1;
        List<Started> started = new ArrayList<>();
        List<String> analysed = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = PID.matcher(line)).find()) {
                pid = Long.parseLong(m.group(1));
            } else if ((m = STARTED.matcher(line)).find() && m.group(2).equals(executorId)) {
                started.add(new Started(m.group(1), Integer.parseInt(m.group(3))));
            } else if ((m = ANALYSED.matcher(line)).find() && m.group(2).equals(executorId)) {
                analysed.add(m.group(1));
            }
        }
        return new ExecutorLogs(appId, executorId, worker, pid, started, analysed);
    }

    /** A checkpoint this executor started and has not finished, or null. */
    String running() {
        List<String> open = new ArrayList<>(started.stream().map(Started::checkpoint).toList());
        analysed.forEach(open::remove);
        return open.isEmpty() ? null : open.get(open.size() - 1);
    }

    /** The first application id a driver log names, or null. */
    static String appId(Path driverLog) {
        try {
            if (!Files.exists(driverLog)) {
                return null;
            }
            Matcher m = APP_ID.matcher(Files.readString(driverLog, java.nio.charset.StandardCharsets.ISO_8859_1));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

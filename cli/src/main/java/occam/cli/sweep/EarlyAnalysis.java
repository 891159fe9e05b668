package occam.cli.sweep;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import occam.cli.Occam;

/**
 * The analysis of the runs that finished training, on the training slots left idle once no run is left to start,
 * while the last runs train: {@code occam analyze --runs <finished runs> --master local[n]} in a JVM of its own, its
 * output appended to {@code <logs>/early-analysis.log}. When the training ends the sweep stops it (SIGTERM: it
 * commits the checkpoints it finished and releases the tables' lock; see occam analyze) and the analysis of the
 * whole archive then skips what it committed. The tables do not depend on the master, so they are the same. A
 * failure costs only its time: it is reported in one line and the analysis after the training does the work.
 */
final class EarlyAnalysis {

    static final String LOG = "early-analysis.log";

    /** How long a stopped analysis may take to commit and exit: its own commit wait (2 min), then Spark's stop. */
    static final long STOP_WAIT_SECONDS = 180;

    /** A wave committed by the analysis (its log line: "wave 1: 12 analysed, 0 quarantined checkpoint(s) committed"). */
    static final Pattern WAVE = Pattern.compile("wave \\d+: (\\d+) analysed, (\\d+) quarantined checkpoint\\(s\\) committed");

    private final List<String> analyzeArgs;
    private final Function<List<String>, List<String>> command;
    private final Path log;
    private final PrintWriter err;
    private final String prefix;

    /** Runs an early analysis of this sweep finished (exit 0): not given to another. */
    private final Set<String> done = new LinkedHashSet<>();
    private Process process;
    private List<String> runs = List.of();
    private long logFrom;
    private long startNanos;
    private boolean failed;
    private boolean closed;

    /**
     * @param analyzeArgs occam analyze's arguments (input, output, settings) without --master and --runs
     * @param command the command line of a child analysing with the given arguments ({@link #command})
     */
    EarlyAnalysis(List<String> analyzeArgs, Function<List<String>, List<String>> command, Path log, PrintWriter err,
            String prefix) {
        this.analyzeArgs = List.copyOf(analyzeArgs);
        this.command = command;
        this.log = log;
        this.err = err;
        this.prefix = prefix;
    }

    /**
     * {@code occam analyze ARGS} in a JVM like this one, without the Spark UI (nobody watches it), at the lowest
     * scheduling priority where {@code nice} exists: it is to use what the training leaves idle, and a training run
     * is not always one busy thread (ours' spectral penalty decomposes beside the updates), and at equal priority it
     * slowed the demo's ours by more than its early checkpoints won back (README). {@code nice} replaces itself with
     * the JVM, so the sweep's signals reach the JVM.
     */
    static List<String> command(List<String> analyzeArgs) {
        List<String> command = new ArrayList<>();
        NICE.ifPresent(nice -> command.addAll(List.of(nice.toString(), "-n", "19")));
        command.addAll(ChildTraining.java(List.of("-Dspark.ui.enabled=false"), Occam.class));
        command.add("analyze");
        command.addAll(analyzeArgs);
        return command;
    }

    /** coreutils' nice, where it is (every Linux and macOS has it; Windows has not). */
    private static final Optional<Path> NICE = Stream.of("/usr/bin/nice", "/bin/nice")
            .map(Path::of).filter(Files::isExecutable).findFirst();

    /**
     * Starts an analysis of {@code trained} (runs that finished training) at {@code local[cores]}, unless one is
     * running, one failed, the sweep is stopping, or every one of them was analysed by an earlier early analysis.
     * {@code onExit} is called when its process ends, however it ends. A child that cannot start is reported.
     */
    synchronized void start(List<String> trained, int cores, int training, Runnable onExit) {
        if (closed || failed || process != null || trained.isEmpty() || done.containsAll(trained)) {
            return;
        }
        runs = List.copyOf(trained);
        List<String> args = new ArrayList<>(analyzeArgs);
        args.addAll(List.of("--runs", String.join(",", runs), "--master", "local[" + cores + "]"));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "# occam sweep, " + Instant.now() + ": occam analyze " + String.join(" ", args) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logFrom = Files.size(log);
            ProcessBuilder builder = new ProcessBuilder(command.apply(args))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            startNanos = System.nanoTime();
            process = builder.start();
        } catch (IOException e) {
            failed = true;
            say("early analysis could not start (" + e.getMessage() + "); the analysis after the training does its work");
            return;
        }
        try {
            process.getOutputStream().close(); // no input
        } catch (IOException ignored) {
            // it reads nothing anyway
        }
        process.onExit().thenRun(onExit);
        say(String.format("early analysis of %d finished run(s) on %d idle core(s) while %d run(s) train; log: %s",
                runs.size(), cores, training, log));
    }

    /** If the analysis ended by itself, says how: what it committed, or that it failed and where its log is. */
    synchronized void poll() {
        if (process != null && !process.isAlive()) {
            ended(false);
        }
    }

    /**
     * Stops the analysis (SIGTERM: it commits what it finished and releases its lock), waits for it and says what it
     * committed; with {@code close}, no other starts (the sweep is stopping).
     */
    synchronized void stop(boolean close) throws InterruptedException {
        closed |= close;
        if (process == null) {
            return;
        }
        boolean alive = process.isAlive();
        if (alive) {
            process.destroy();
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                say("early analysis did not stop within " + Durations.format(STOP_WAIT_SECONDS)
                        + " and was killed (what it had not committed is analysed again); log: " + log);
                failed = true;
                process = null;
                return;
            }
        }
        ended(alive || close); // a sweep stopping stopped it (a Ctrl-C reaches it too)
    }

    private void ended(boolean stopped) {
        int status = process.exitValue();
        String after = Durations.format((System.nanoTime() - startNanos) / 1e9);
        process = null;
        int[] committed = committed(log, logFrom);
        String checkpoints = committed[0] + " checkpoint(s) committed"
                + (committed[1] > 0 ? " (" + committed[1] + " of them quarantined)" : "");
        if (stopped) {
            say("early analysis stopped after " + after + ": " + checkpoints);
        } else if (status == 0) {
            done.addAll(runs);
            say("early analysis finished after " + after + ": " + checkpoints);
        } else {
            failed = true;
            say("early analysis failed (exit " + status + ") after " + after + ", " + checkpoints
                    + "; the analysis after the training does the rest; its log: " + log);
        }
    }

    private void say(String line) {
        err.println(prefix + line);
        err.flush();
    }

    /** Checkpoints committed, and of them quarantined, by the waves the analysis logged from {@code from} on. */
    static int[] committed(Path log, long from) {
        int[] n = new int[2];
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
            channel.position(Math.min(from, channel.size()));
            BufferedReader lines = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                Matcher m = WAVE.matcher(line);
                if (m.find()) {
                    int quarantined = Integer.parseInt(m.group(2));
                    n[0] += Integer.parseInt(m.group(1)) + quarantined;
                    n[1] += quarantined;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        return n;
    }
}

package occam.cli.sweep;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import occam.training.TrainCommand;

/**
 * {@code occam train} in a JVM of its own, so that a crash or an out-of-memory error of one run cannot take the
 * sweep down: the same Java, class path and JVM options as this JVM, its output appended to the run's log.
 */
final class ChildTraining {

    /** Lines of a failed run's log shown in the sweep's output. */
    static final int TAIL_LINES = 12;
    private static final int KEPT_BYTES = 64 * 1024;

    /** Children still running, destroyed if the sweep itself is stopped. */
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    /** The command line of a child JVM training with {@code trainArgs}. */
    static List<String> command(List<String> trainArgs) {
        List<String> command = java(List.of(), TrainCommand.class);
        // training has no use for the analysis engine's Vector API module, whose JVM warning would open every run's log
        command.remove(VECTOR_MODULE);
        command.addAll(trainArgs);
        return command;
    }

    /** The option bin/occam starts every JVM with, for the analysis engine's matrix kernel. */
    private static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    /**
     * A child JVM like this one (the same Java, JVM options and class path), then {@code options}, running
     * {@code main}; its arguments go after.
     */
    static List<String> java(List<String> options, Class<?> main) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a debugger agent would make every child wait on the same port
            if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) {
                command.add(option);
            }
        }
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return command;
    }

    /** Runs {@code trainArgs} to the end, output appended to {@code log}; the exit status and this attempt's log. */
    Result run(List<String> trainArgs, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        String header = "# occam sweep, " + Instant.now() + ": occam train " + String.join(" ", trainArgs) + "\n";
        Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long from = Files.size(log);
        ProcessBuilder builder = new ProcessBuilder(command(trainArgs))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long start = System.nanoTime();
        Process process = builder.start();
        running.add(process);
        try {
            process.getOutputStream().close(); // no input
            int status = process.waitFor();
            return new Result(status, (System.nanoTime() - start) / 1e9, readFrom(log, from));
        } finally {
            running.remove(process);
            if (process.isAlive()) { // interrupted: do not leave it training alone
                process.destroy();
            }
        }
    }

    /** Stops every child still running (each ends as an interrupted run, which train resumes). */
    void destroyAll() {
        running.forEach(Process::destroy);
    }

    /** This attempt's output, at most its last {@link #KEPT_BYTES} bytes. */
    private static String readFrom(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(from, file.length() - KEPT_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** A child's exit status, wall time and what it wrote to its log. */
    record Result(int exitStatus, double wallSeconds, String output) {

        /** The last {@code n} non-blank lines of the output. */
        List<String> tail(int n) {
            List<String> lines = Arrays.stream(output.split("\\R")).filter(l -> !l.isBlank()).toList();
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        }
    }
}

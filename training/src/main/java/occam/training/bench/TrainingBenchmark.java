package occam.training.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.TrainingResult;
import occam.training.task.Task;

/**
 * Measures the trainer on the paper's setting (p = 113), each measurement in a JVM of its own so that peak memory
 * (VmHWM) is per run:
 *
 * <pre>
 * speed  [epochs] [threads]   ms per epoch of updates and peak RSS for add (1 layer) and sub (2 layers) under none,
 *                             wd and ours, and the spectral penalty's part of ours
 * grok   [epochs] [archive]   add with ours and with none: the first evaluated epoch with test accuracy >= 0.99
 *                             (evaluations every 10 epochs); the runs are written to the archive
 * </pre>
 *
 * Run with the module's class path, e.g. {@code java -cp <cp> occam.training.bench.TrainingBenchmark speed 40}.
 */
public final class TrainingBenchmark {

    private static final int WARMUP_EPOCHS = 3;

    private TrainingBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        String mode = args.length > 0 ? args[0] : "speed";
        switch (mode) {
            case "speed" -> speed(args.length > 1 ? Integer.parseInt(args[1]) : 40, args.length > 2 ? Integer.parseInt(args[2]) : 0);
            case "grok" -> grok(args.length > 1 ? Integer.parseInt(args[1]) : 1500,
                    Path.of(args.length > 2 ? args[2] : "grok-archive"));
            case "one" -> one(Task.fromId(args[1]), Regime.fromId(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "grok-one" -> grokOne(Regime.fromId(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException("usage: TrainingBenchmark speed [epochs] [threads] | grok [epochs] [archive]");
        }
    }

    private static void speed(int epochs, int threads) throws Exception {
        System.out.printf(Locale.ROOT, "# p=113, %d measured epochs after %d warm-up, threads=%s, %s%n", epochs, WARMUP_EPOCHS,
                threads == 0 ? "default" : threads, loadAverage());
        System.out.println("task layers regime | ms/epoch | training-thread CPU ms/epoch | penalty wait ms/epoch"
                + " | decomposition ms/epoch (CPU) | peak RSS MB");
        for (Task task : List.of(Task.ADD, Task.SUB)) {
            for (Regime regime : Regime.values()) {
                for (String line : child("one", task.id(), regime.id(), "" + epochs, "" + threads)) {
                    System.out.println(line);
                }
            }
        }
        System.out.println("# after: " + loadAverage());
    }

    /** One speed measurement, in this JVM. */
    private static void one(Task task, Regime regime, int epochs, int threads) {
        TrainingConfig.Builder b = TrainingConfig.builder(task, regime).device(DeviceChoice.CPU).threads(threads)
                .evalEvery(Integer.MAX_VALUE);
        Trainer.run(b.epochs(WARMUP_EPOCHS).runId("warmup").build());
        TrainingResult r = Trainer.run(b.epochs(epochs).runId("measured").build());
        TrainingResult.Timings t = r.timings();
        System.out.printf(Locale.ROOT, "%s %d %s | %.1f | %.1f | %.1f | %.1f (%.1f) | %.0f%n", task.id(),
                r.run().model().numLayers(), regime.id(), 1000 * t.train() / epochs, 1000 * t.trainCpu() / epochs,
                1000 * t.penalty() / epochs, 1000 * t.decomposition() / epochs, 1000 * t.decompositionCpu() / epochs,
                peakRssMb());
    }

    private static void grok(int epochs, Path archive) throws Exception {
        System.out.printf(Locale.ROOT, "# add, p=113, up to %d epochs, evaluations every 10, archive %s, %s%n", epochs,
                archive.toAbsolutePath(), loadAverage());
        for (Regime regime : List.of(Regime.OURS, Regime.NONE)) {
            for (String line : child("grok-one", regime.id(), "" + epochs, archive.toString())) {
                System.out.println(line);
            }
        }
        System.out.println("# after: " + loadAverage());
    }

    private static void grokOne(Regime regime, int epochs, Path archive) {
        TrainingResult r = Trainer.run(TrainingConfig.builder(Task.ADD, regime).device(DeviceChoice.CPU)
                .epochs(epochs).evalEvery(10).out(archive).runId("add-" + regime.id() + "-s0-bench").build());
        double best = r.evaluations().stream().mapToDouble(e -> e.testAccuracy()).max().orElse(0);
        var last = r.last();
        System.out.printf(Locale.ROOT,
                "add %s: first epoch with test accuracy >= 0.99: %s; best test accuracy %.4f; at epoch %d train %.4f/%.4f"
                        + " test %.4f/%.4f; %.1f ms/epoch of updates, %.0f s in all, peak RSS %.0f MB%n",
                regime.id(), r.firstEpochWithTestAccuracy(0.99).stream().mapToObj(Integer::toString).findFirst().orElse("never"),
                best, last.epoch(), last.trainLoss(), last.trainAccuracy(), last.testLoss(), last.testAccuracy(),
                1000 * r.timings().train() / epochs, r.timings().total(), peakRssMb());
    }

    /** Runs this class in a fresh JVM with the same class path; returns its standard output lines. */
    private static List<String> child(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), TrainingBenchmark.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " exited with " + p.exitValue());
        }
        return lines;
    }

    /** Peak resident set of this process (VmHWM), in MB. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // not Linux: no figure
        }
        return Double.NaN;
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "load average %.2f on %d cores",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }
}

package occam.training;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import occam.schemas.RunInfo;
import occam.training.task.Dataset;

/**
 * A progress bar of epochs with the latest train and test loss and accuracy. On a terminal it is one line redrawn
 * in place; otherwise (a log file, a pipe) it prints one line per update, every {@link #LOG_INTERVAL_MILLIS}.
 */
public final class ProgressReporter implements TrainingListener {

    static final int TERMINAL_INTERVAL_MILLIS = 500;
    static final int LOG_INTERVAL_MILLIS = 10_000;
    /** Long enough for the bar and the loss/accuracy message on one log line. */
    static final int LOG_LINE_LENGTH = 160;

    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar;

    public ProgressReporter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** On standard error; redrawn in place when the JVM has a console. */
    public static ProgressReporter toStandardError() {
        return new ProgressReporter(System.err, System.console() != null);
    }

    @Override
    public void onStart(RunInfo run, Dataset dataset, int firstEpoch) {
        ProgressBarConsumer consumer = terminal ? new ConsoleProgressBarConsumer(out)
                : new DelegatingProgressBarConsumer(out::println, LOG_LINE_LENGTH);
        bar = new ProgressBarBuilder()
                .setTaskName(run.runId())
                .setInitialMax(run.training().epochs())
                .startsFrom(firstEpoch - 1, java.time.Duration.ZERO) // a resumed run: rate and ETA of this process's epochs
                .setUnit(" epochs", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? TERMINAL_INTERVAL_MILLIS : LOG_INTERVAL_MILLIS)
                .setConsumer(consumer)
                .build();
    }

    @Override
    public void onEpoch(EpochState state) {
        bar.stepTo(state.epoch());
        bar.setExtraMessage(describe(state));
    }

    @Override
    public void onEnd(TrainingResult result) {
        bar.close();
    }

    /** e.g. {@code train 0.0012/100.0% test 0.0345/99.5% @1200}, or the minibatch loss before the first evaluation. */
    static String describe(EpochState state) {
        Evaluation e = state.latest();
        if (e == null) {
            return String.format(Locale.ROOT, "minibatch loss %.4f", state.minibatchLoss());
        }
        return String.format(Locale.ROOT, "train %.4f/%.1f%% test %.4f/%.1f%% @%d", e.trainLoss(),
                100 * e.trainAccuracy(), e.testLoss(), 100 * e.testAccuracy(), e.epoch());
    }
}

package occam.cli.sweep;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The whole sweep's progress on standard error: runs done of total, the runs training now, the slowest one's epoch
 * (its last metrics file in the archive) and an ETA from the epochs trained so far by this sweep.
 */
final class SweepProgress {

    private final ArchiveProgress archive;
    private final int slots;
    private final PrintWriter err;
    /** "occam sweep: " (or the demo's name, when it runs as a sweep). */
    private final String prefix;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** A running run's own speed is used once it trained this many epochs in this sweep; before, the pooled one. */
    static final int OWN_RATE_EPOCHS = 20;
    private String lastState = "";

    private record Running(int epochsLeft, int epochsTrained, double seconds) {}

    private static final class Entry {
        final SweepRun run;
        final int epochAtStart;
        boolean running;
        int epochAtLaunch;
        long launchNanos;
        RunOutcome outcome;
        int epochAtEnd;
        long endNanos;

        Entry(SweepRun run, int epochAtStart) {
            this.run = run;
            this.epochAtStart = epochAtStart;
        }
    }

    /** @param slots runs trained at once */
    SweepProgress(List<SweepRun> runs, int slots, ArchiveProgress archive, PrintWriter err, String prefix) {
        this.archive = archive;
        this.slots = slots;
        this.err = err;
        this.prefix = prefix;
        for (SweepRun run : runs) {
            entries.put(run.runId(), new Entry(run, archive.lastEpoch(run.runId())));
        }
    }

    synchronized void launched(SweepRun run, int epoch) {
        Entry e = entries.get(run.runId());
        e.running = true;
        e.epochAtLaunch = epoch;
        e.launchNanos = System.nanoTime();
    }

    /** Records the outcome and says so: a failed run with the last lines of its log. */
    synchronized void finished(RunOutcome outcome, String log) {
        Entry e = entries.get(outcome.run().runId());
        e.running = false;
        e.outcome = outcome;
        e.epochAtEnd = archive.lastEpoch(outcome.run().runId());
        e.endNanos = System.nanoTime();
        StringBuilder line = new StringBuilder(prefix).append(outcome.run().runId()).append(' ')
                .append(outcome.describe()).append(" after ").append(Durations.format(outcome.child().wallSeconds()));
        if (outcome.failed()) {
            line.append("; the last lines of ").append(log).append(':');
            for (String l : outcome.child().tail(ChildTraining.TAIL_LINES)) {
                line.append(System.lineSeparator()).append("  | ").append(l);
            }
        }
        err.println(line);
        err.flush();
    }

    /** Prints the progress line if anything but the ETA changed since the last one. */
    synchronized void print() {
        int done = 0;
        int failed = 0;
        int running = 0;
        long trained = 0;
        double runSeconds = 0;
        long now = System.nanoTime();
        List<Running> runningNow = new ArrayList<>();
        List<Integer> waiting = new ArrayList<>();
        Entry slowest = null;
        int slowestEpoch = 0;
        for (Entry e : entries.values()) {
            if (e.outcome != null) {
                done++;
                failed += e.outcome.failed() ? 1 : 0;
                trained += Math.max(0, e.epochAtEnd - e.epochAtLaunch);
                runSeconds += (e.endNanos - e.launchNanos) / 1e9;
            } else if (e.running) {
                running++;
                int epoch = archive.lastEpoch(e.run.runId());
                trained += Math.max(0, epoch - e.epochAtLaunch);
                double seconds = (now - e.launchNanos) / 1e9;
                runSeconds += seconds;
                runningNow.add(new Running(Math.max(0, e.run.epochs() - epoch), Math.max(0, epoch - e.epochAtLaunch), seconds));
                if (slowest == null || (double) epoch / e.run.epochs() < (double) slowestEpoch / slowest.run.epochs()) {
                    slowest = e;
                    slowestEpoch = epoch;
                }
            } else {
                waiting.add(Math.max(0, e.run.epochs() - e.epochAtStart));
            }
        }
        StringBuilder state = new StringBuilder().append(done).append('/').append(entries.size()).append(" runs done");
        if (failed > 0) {
            state.append(" (").append(failed).append(" failed)");
        }
        if (running > 0) {
            state.append(", ").append(running).append(" running, slowest ").append(slowest.run.runId())
                    .append(" at epoch ").append(slowestEpoch).append('/').append(slowest.run.epochs());
        }
        if (state.toString().equals(lastState)) {
            return;
        }
        lastState = state.toString();
        boolean left = runningNow.stream().anyMatch(r -> r.epochsLeft > 0) || waiting.stream().anyMatch(n -> n > 0);
        String eta = "";
        if (left) {
            eta = ", ETA unknown";
            if (trained > 0) {
                // runs differ in speed (a regime's extra terms): a running run that has trained a while goes at its own
                double pooled = trained / runSeconds;
                List<Double> runningSeconds = runningNow.stream().map(r -> r.epochsLeft
                        / (r.epochsTrained >= OWN_RATE_EPOCHS ? r.epochsTrained / r.seconds : pooled)).toList();
                List<Double> waitingSeconds = waiting.stream().map(n -> n / pooled).toList();
                eta = ", ETA " + Durations.format(etaSeconds(slots, runningSeconds, waitingSeconds));
            }
        }
        err.println(prefix + state + eta);
        err.flush();
    }

    /**
     * Seconds until the last run ends: the running runs end after their own estimates, and the waiting runs start,
     * in order, on the first of the {@code slots} that frees.
     */
    static double etaSeconds(int slots, List<Double> runningSeconds, List<Double> waitingSeconds) {
        PriorityQueue<Double> freeAt = new PriorityQueue<>(runningSeconds);
        while (freeAt.size() < slots) {
            freeAt.add(0.0);
        }
        double end = freeAt.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        for (double seconds : waitingSeconds) {
            double finish = freeAt.poll() + seconds;
            freeAt.add(finish);
            end = Math.max(end, finish);
        }
        return end;
    }
}

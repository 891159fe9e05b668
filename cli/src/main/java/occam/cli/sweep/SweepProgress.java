package occam.cli.sweep;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole sweep's progress on standard error: runs done of total, the runs training now, the slowest one's epoch
 * (its last metrics file in the archive) and an ETA from the epochs trained so far by this sweep.
 */
final class SweepProgress {

    private final ArchiveProgress archive;
    private final PrintWriter err;
    /** "occam sweep: " (or the demo's name, when it runs as a sweep). */
    private final String prefix;
    private final long startNanos = System.nanoTime();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private String lastState = "";

    private static final class Entry {
        final SweepRun run;
        final int epochAtStart;
        boolean running;
        int epochAtLaunch;
        RunOutcome outcome;
        int epochAtEnd;

        Entry(SweepRun run, int epochAtStart) {
            this.run = run;
            this.epochAtStart = epochAtStart;
        }
    }

    SweepProgress(List<SweepRun> runs, ArchiveProgress archive, PrintWriter err, String prefix) {
        this.archive = archive;
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
    }

    /** Records the outcome and says so: a failed run with the last lines of its log. */
    synchronized void finished(RunOutcome outcome, String log) {
        Entry e = entries.get(outcome.run().runId());
        e.running = false;
        e.outcome = outcome;
        e.epochAtEnd = archive.lastEpoch(outcome.run().runId());
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
        long remaining = 0;
        Entry slowest = null;
        int slowestEpoch = 0;
        for (Entry e : entries.values()) {
            if (e.outcome != null) {
                done++;
                failed += e.outcome.failed() ? 1 : 0;
                trained += Math.max(0, e.epochAtEnd - e.epochAtLaunch);
            } else if (e.running) {
                running++;
                int epoch = archive.lastEpoch(e.run.runId());
                trained += Math.max(0, epoch - e.epochAtLaunch);
                remaining += Math.max(0, e.run.epochs() - epoch);
                if (slowest == null || (double) epoch / e.run.epochs() < (double) slowestEpoch / slowest.run.epochs()) {
                    slowest = e;
                    slowestEpoch = epoch;
                }
            } else {
                remaining += Math.max(0, e.run.epochs() - e.epochAtStart);
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
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        String eta = remaining == 0 ? "" : trained == 0 ? ", ETA unknown"
                : ", ETA " + Durations.format(remaining * elapsed / trained);
        err.println(prefix + state + eta);
        err.flush();
    }
}

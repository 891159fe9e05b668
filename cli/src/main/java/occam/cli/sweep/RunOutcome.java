package occam.cli.sweep;

/** How one run of the sweep ended. */
record RunOutcome(SweepRun run, Status status, ChildTraining.Result child) {

    enum Status {
        /** Trained from the start by this sweep. */
        TRAINED,
        /** Was in the archive unfinished and continued by this sweep. */
        RESUMED,
        /** Was complete in the archive: nothing trained. */
        COMPLETE,
        /** Was in the archive unfinished, and train did not continue it. */
        IN_ARCHIVE,
        FAILED
    }

    /**
     * The outcome of a child, from its exit status and the archive before it started ({@code completeBefore}: the
     * run's last checkpoint was written; the metrics of the last epoch come before it). Train refuses a run id the
     * archive already holds when it cannot continue it (its message says archive files are never rewritten): that
     * run is in the archive, not a failure of this sweep.
     */
    static RunOutcome of(SweepRun run, ChildTraining.Result child, boolean existed, boolean completeBefore) {
        Status status;
        if (child.exitStatus() == 0) {
            status = completeBefore ? Status.COMPLETE : existed ? Status.RESUMED : Status.TRAINED;
        } else if (existed && child.exitStatus() == 2 && child.output().contains("archive files are never rewritten")) {
            status = completeBefore ? Status.COMPLETE : Status.IN_ARCHIVE;
        } else {
            status = Status.FAILED;
        }
        return new RunOutcome(run, status, child);
    }

    boolean failed() {
        return status == Status.FAILED;
    }

    /** e.g. {@code trained}, {@code in archive}, {@code failed (exit 1)}. */
    String describe() {
        return status == Status.FAILED ? "failed (exit " + child.exitStatus() + ")"
                : status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}

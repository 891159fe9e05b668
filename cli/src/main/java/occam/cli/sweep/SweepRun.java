package occam.cli.sweep;

import java.util.List;

/** One run of the grid: its id, its epochs and its complete {@code occam train} arguments. */
record SweepRun(String runId, int epochs, List<String> trainArgs) {

    SweepRun {
        trainArgs = List.copyOf(trainArgs);
    }
}

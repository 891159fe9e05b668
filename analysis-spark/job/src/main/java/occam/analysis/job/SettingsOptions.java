package occam.analysis.job;

import java.util.ArrayList;
import java.util.List;
import occam.analysis.engine.AnalysisSettings;
import picocli.CommandLine.Option;

/** The analysis settings as flags (every one hashed into settings_hash). */
final class SettingsOptions {

    private static final AnalysisSettings DEFAULTS = AnalysisSettings.defaults();

    @Option(names = "--epsilons", split = ",", paramLabel = "NATS",
            description = "Distortion bounds, comma separated. Default: 4,2,1,0.5,0.25,0.125,0.0625.")
    List<Double> epsilons = new ArrayList<>(DEFAULTS.epsilons());

    @Option(names = "--grid-taus", paramLabel = "N", description = "Grid taus over [tau-min, 1]. Default: ${DEFAULT-VALUE}.")
    int gridTaus = DEFAULTS.gridTaus();

    @Option(names = "--grid-deltas", paramLabel = "N", description = "Grid Deltas, log-spaced over the Delta range. Default: ${DEFAULT-VALUE}.")
    int gridDeltas = DEFAULTS.gridDeltas();

    @Option(names = "--refine-steps", paramLabel = "N", description = "Bayesian refinement steps per epsilon. Default: ${DEFAULT-VALUE}.")
    int refinementSteps = DEFAULTS.refinementSteps();

    @Option(names = "--tau-min", paramLabel = "TAU", description = "Smallest tau searched. Default: ${DEFAULT-VALUE}.")
    double tauMin = DEFAULTS.tauMin();

    @Option(names = "--delta-min", paramLabel = "DELTA", description = "Smallest quantization step. Default: ${DEFAULT-VALUE}.")
    double deltaMin = DEFAULTS.deltaMin();

    @Option(names = "--delta-max", paramLabel = "DELTA", description = "Largest quantization step. Default: ${DEFAULT-VALUE}.")
    double deltaMax = DEFAULTS.deltaMax();

    @Option(names = "--candidates", paramLabel = "N", description = "Candidates scored per refinement step. Default: ${DEFAULT-VALUE}.")
    int candidates = DEFAULTS.candidates();

    @Option(names = "--bound-delta", paramLabel = "P", description = "Confidence parameter of the generalization bound. Default: ${DEFAULT-VALUE}.")
    double boundDelta = DEFAULTS.boundDelta();

    AnalysisSettings settings() {
        return new AnalysisSettings(epsilons, tauMin, gridTaus, deltaMin, deltaMax, gridDeltas, refinementSteps,
                candidates, boundDelta, DEFAULTS.codec());
    }
}

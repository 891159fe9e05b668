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

    @Option(names = "--grid-taus", paramLabel = "N",
            description = "Taus of the first level's grid over [tau-min, 1]; each level doubles the resolution. Default: ${DEFAULT-VALUE}.")
    int gridTaus = DEFAULTS.gridTaus();

    @Option(names = "--bisection-steps", paramLabel = "N",
            description = "Halvings of the log-Delta range per boundary at the first level (each level adds one). Default: ${DEFAULT-VALUE}.")
    int bisectionSteps = DEFAULTS.bisectionSteps();

    @Option(names = "--search-levels", paramLabel = "N",
            description = "The search's budget: each level redoes nothing and adds as much again; more levels never give a larger best. "
                    + "Default: ${DEFAULT-VALUE}.")
    int levels = DEFAULTS.levels();

    @Option(names = "--refine-steps", paramLabel = "N",
            description = "Bayesian refinement steps per epsilon, at the first search level. Default: ${DEFAULT-VALUE}.")
    int refinementSteps = DEFAULTS.refinementSteps();

    @Option(names = "--search-seed", paramLabel = "N",
            description = "Mixed with run, step and epsilon into the refinement's seed. Default: ${DEFAULT-VALUE}.")
    long seed = DEFAULTS.seed();

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
        return new AnalysisSettings(epsilons, tauMin, gridTaus, deltaMin, deltaMax, bisectionSteps, levels, refinementSteps,
                candidates, seed, boundDelta, DEFAULTS.codec());
    }
}

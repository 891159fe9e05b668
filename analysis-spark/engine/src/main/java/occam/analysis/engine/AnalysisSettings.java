package occam.analysis.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import occam.analysis.engine.codec.PaperCodec;
import occam.analysis.engine.figures.GeneralizationBound;
import occam.analysis.engine.search.BayesianOptimizer;
import occam.analysis.engine.search.SearchPlan;

/**
 * Everything that decides an analysis's numbers, hashed into {@code settings_hash}. The thread count is not
 * here: it never changes a result.
 *
 * @param epsilons distortion bounds (nats); the paper's Fig. 2 uses 1, Fig. 3 the whole list
 * @param tauMin smallest tau of the grid and of the refinement box (0.5, a choice: below it every matrix keeps
 *     only a few triplets, which only strongly regularized models survive; the refinement cannot go lower)
 * @param gridTaus grid taus, evenly spaced over [tauMin, 1]; tau = 1 is Algorithm 2's column
 * @param deltaMin smallest Delta (1e-3, the authors' range; docs/method.md, section 11)
 * @param deltaMax largest Delta (1, the authors' range); weights of trained models are mostly below it, so it quantizes
 *     nearly everything to 0
 * @param gridDeltas grid Deltas, evenly spaced in log over [deltaMin, deltaMax] (8: a factor 2.68 apart)
 * @param refinementSteps Bayesian refinement steps per epsilon, after the grid; 12 (measured on the benchmark model:
 *     against 6 it cut the best size by 5-34 % at five of seven epsilons, for 40 % more models)
 * @param candidates uniform candidates per refinement step (as many again near the best points)
 * @param boundDelta confidence parameter of the generalization bound (paper: 0.05)
 * @param codec the codec whose size is the complexity; only {@value PaperCodec#NAME} exists
 */
public record AnalysisSettings(
        List<Double> epsilons,
        double tauMin,
        int gridTaus,
        double deltaMin,
        double deltaMax,
        int gridDeltas,
        int refinementSteps,
        int candidates,
        double boundDelta,
        String codec) implements java.io.Serializable {

    /** Bumped whenever the engine would give different numbers for the same settings, so the hash changes. */
    public static final int ENGINE_VERSION = 1;

    public static final List<Double> DEFAULT_EPSILONS = List.of(4.0, 2.0, 1.0, 0.5, 0.25, 0.125, 0.0625);

    public AnalysisSettings {
        epsilons = List.copyOf(epsilons);
        if (epsilons.isEmpty()) {
            throw new IllegalArgumentException("settings need at least one epsilon");
        }
        for (double e : epsilons) {
            if (!(e > 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("epsilon(" + e + ") must be finite and > 0");
            }
        }
        if (new HashSet<>(epsilons).size() != epsilons.size()) {
            throw new IllegalArgumentException("epsilons " + epsilons + " repeat a value");
        }
        if (!(boundDelta > 0 && boundDelta < 1)) {
            throw new IllegalArgumentException("boundDelta(" + boundDelta + ") outside (0, 1)");
        }
        if (!PaperCodec.NAME.equals(codec)) {
            throw new IllegalArgumentException("unknown codec '" + codec + "', expected '" + PaperCodec.NAME + "'");
        }
        // the rest is checked where it is used
        new SearchPlan(epsilons, tauMin, gridTaus, deltaMin, deltaMax, gridDeltas, refinementSteps, candidates);
    }

    public static AnalysisSettings defaults() {
        return new AnalysisSettings(DEFAULT_EPSILONS, 0.5, 8, 1e-3, 1.0, 8, 12, BayesianOptimizer.DEFAULT_CANDIDATES,
                GeneralizationBound.DEFAULT_DELTA, PaperCodec.NAME);
    }

    public AnalysisSettings withEpsilons(List<Double> e) {
        return new AnalysisSettings(e, tauMin, gridTaus, deltaMin, deltaMax, gridDeltas, refinementSteps, candidates, boundDelta, codec);
    }

    public AnalysisSettings withGrid(int taus, int deltas) {
        return new AnalysisSettings(epsilons, tauMin, taus, deltaMin, deltaMax, deltas, refinementSteps, candidates, boundDelta, codec);
    }

    public AnalysisSettings withRefinementSteps(int steps) {
        return new AnalysisSettings(epsilons, tauMin, gridTaus, deltaMin, deltaMax, gridDeltas, steps, candidates, boundDelta, codec);
    }

    public SearchPlan plan() {
        return new SearchPlan(epsilons, tauMin, gridTaus, deltaMin, deltaMax, gridDeltas, refinementSteps, candidates);
    }

    /**
     * Every field, in declaration order, numbers by {@link Double#toString} (shortest exact form), e.g.
     * {@code engine=1;epsilons=4.0,2.0;tauMin=0.5;...}.
     */
    public String canonicalString() {
        return "engine=" + ENGINE_VERSION
                + ";epsilons=" + epsilons.stream().map(d -> Double.toString(d)).collect(Collectors.joining(","))
                + ";tauMin=" + tauMin
                + ";gridTaus=" + gridTaus
                + ";deltaMin=" + deltaMin
                + ";deltaMax=" + deltaMax
                + ";gridDeltas=" + gridDeltas
                + ";refinementSteps=" + refinementSteps
                + ";candidates=" + candidates
                + ";boundDelta=" + boundDelta
                + ";codec=" + codec;
    }

    /** {@code settings_hash}: the first 16 hex characters of SHA-256 of {@link #canonicalString()} (UTF-8). */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalString().getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                sb.append(String.format("%02x", digest[i]));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}

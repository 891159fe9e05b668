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
import occam.analysis.engine.search.CoarseSearch;
import occam.analysis.engine.search.SearchPlan;

/**
 * Everything that decides an analysis's numbers, hashed into {@code settings_hash}. The thread count is not
 * here: it never changes a result. The search is described in {@link CoarseSearch}.
 *
 * @param epsilons distortion bounds (nats); the paper's Fig. 2 uses 1, Fig. 3 the whole list
 * @param tauMin smallest tau searched (0: the paper's range [0, 1])
 * @param gridTaus taus of the first level's grid, evenly spaced over [tauMin, 1]; each further level halves the
 *     spacing (9: 0, 0.125, ..., 1, then steps of 0.0625; measured on add-ours-s0@1000, a strongly low-rank
 *     checkpoint, 5 left the best's narrow tau band to the refinement's luck: seeds differed by up to 65 %)
 * @param deltaMin smallest Delta (1e-3, the authors' range; docs/method.md, section 11)
 * @param deltaMax largest Delta (1, the authors' range); weights of trained models are mostly below it, so it quantizes nearly
 *     everything to 0
 * @param bisectionSteps halvings of the log-Delta range at the first level (each level adds one): 6 leaves each
 *     boundary within a factor (deltaMax/deltaMin)^(1/64) = 1.11 at level 0 and 1.06 at level 1
 * @param levels the search's budget: a plan with one more level first does everything this one does, then as
 *     much again (a finer tau grid near the bests, narrower brackets, another walk), so its bests are never larger
 * @param refinementSteps Bayesian refinement steps per epsilon at the first level, each a new rank configuration
 * @param candidates random candidates per refinement step (as many again near the best points)
 * @param seed mixed with (run, step, epsilon) into the refinement's seed; change it to see the search's noise
 * @param boundDelta confidence parameter of the generalization bound (paper: 0.05)
 * @param codec the codec whose size is the complexity; only {@value PaperCodec#NAME} exists
 */
public record AnalysisSettings(
        List<Double> epsilons,
        double tauMin,
        int gridTaus,
        double deltaMin,
        double deltaMax,
        int bisectionSteps,
        int levels,
        int refinementSteps,
        int candidates,
        long seed,
        double boundDelta,
        String codec) implements java.io.Serializable {

    /** Bumped whenever the engine would give different numbers for the same settings, so the hash changes. */
    public static final int ENGINE_VERSION = 12;

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
        new SearchPlan(epsilons, tauMin, gridTaus, deltaMin, deltaMax, bisectionSteps, levels, refinementSteps, candidates, seed);
    }

    public static AnalysisSettings defaults() {
        return new AnalysisSettings(DEFAULT_EPSILONS, 0.0, 9, 1e-3, 1.0, 6, 2, 1, BayesianOptimizer.DEFAULT_CANDIDATES, 0L,
                GeneralizationBound.DEFAULT_DELTA, PaperCodec.NAME);
    }

    public AnalysisSettings withEpsilons(List<Double> e) {
        return new AnalysisSettings(e, tauMin, gridTaus, deltaMin, deltaMax, bisectionSteps, levels, refinementSteps, candidates, seed,
                boundDelta, codec);
    }

    /** The same settings with another budget (see {@code levels}). */
    public AnalysisSettings withLevels(int l) {
        return new AnalysisSettings(epsilons, tauMin, gridTaus, deltaMin, deltaMax, bisectionSteps, l, refinementSteps, candidates, seed,
                boundDelta, codec);
    }

    /** The same settings with another search shape (see the parameters of the same names). */
    public AnalysisSettings withSearch(int taus, int bisections, int l, int refinements) {
        return new AnalysisSettings(epsilons, tauMin, taus, deltaMin, deltaMax, bisections, l, refinements, candidates, seed, boundDelta,
                codec);
    }

    public AnalysisSettings withSeed(long s) {
        return new AnalysisSettings(epsilons, tauMin, gridTaus, deltaMin, deltaMax, bisectionSteps, levels, refinementSteps, candidates, s,
                boundDelta, codec);
    }

    public SearchPlan plan() {
        return new SearchPlan(epsilons, tauMin, gridTaus, deltaMin, deltaMax, bisectionSteps, levels, refinementSteps, candidates, seed);
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
                + ";bisectionSteps=" + bisectionSteps
                + ";levels=" + levels
                + ";refinementSteps=" + refinementSteps
                + ";candidates=" + candidates
                + ";seed=" + seed
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

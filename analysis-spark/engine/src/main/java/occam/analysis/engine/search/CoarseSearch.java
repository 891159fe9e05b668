package occam.analysis.engine.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleToLongFunction;

/**
 * Finds, per epsilon, the smallest coarse model whose loss increase is at most epsilon, in the space the paper
 * searches: tau in [tauMin, 1] (a rank configuration: k(tau) per matrix, tau = 1 keeping every matrix whole) x Delta.
 *
 * <p>For a fixed rank configuration the loss rises (almost) monotonically with Delta, so the model that matters
 * for an epsilon is the one at the largest valid Delta: a boundary on the log-Delta axis that bisection finds, and
 * one loss curve serves every epsilon. The search runs in levels; level l:
 * <ol>
 *   <li><b>grid</b>: the rank configurations of the level's tau grid ({@link SearchPlan#taus}; tau = 1 is
 *       Algorithm 2, phase {@code quantization}). Each configuration is measured at deltaMin (one that fails
 *       every epsilon there is done: one loss evaluation) and deltaMax, then for every epsilon its bracket
 *       [largest valid Delta, next measured Delta] is halved on the log-Delta axis until it is at most the
 *       level's width. From level 1 on, only the grid's taus within the previous level's spacing of a best's tau
 *       (and tau = 1) are taken, and of earlier configurations only Algorithm 2's and those holding a best are
 *       bisected to the new width: the walk explores from the bests (measured on the demo with engine 6: the
 *       level-1 grid and refinement held 10 of 525 bests at 38 % of the models).
 *   <li><b>refine</b> (level 0 only): per epsilon, {@code refinementSteps} steps of a {@link BayesianOptimizer} that models
 *       ln(bytes) of the boundary models of the configurations bisected for that epsilon, at their (tau, Delta).
 *       The bound is a constraint, not a penalty: only valid models are observed, and no tau at or below a
 *       configuration that fails the epsilon even at deltaMin is proposed. The suggested tau becomes a new rank
 *       configuration, bisected for that epsilon alone, starting at the suggested Delta and stepping outwards
 *       (doubling) until the boundary is bracketed. Seeded per epsilon (by the caller), level and step.
 *   <li><b>walk</b> (from level 1 on): per epsilon, from the best so far and from the neighbouring epsilons' bests'
 *       configurations, along the envelope of the rank configurations listed in tau order
 *       ({@link Evaluator#configurationTaus}) to the bottom of each valley ({@link #walk(int, double)}); then once
 *       more back over the epsilons, from starts not walked yet (a neighbour's best may have moved) and not
 *       strictly between the two stops of a walk this epsilon made at this level (it would only come back to that
 *       bottom). Walks' configurations are not re-bisected by later grids (a walk narrows what it needs) unless a
 *       grid's tau lands on one.
 *   <li>only boundary models (the largest valid Delta of a configuration for some epsilon) are sized: they are the
 *       only ones that can become a best; every other model has no size. A boundary model is first sized by the
 *       evaluator's cheap screening size (the integer codec's, a few ms); it is compressed (bzip2, tens of ms) only
 *       if that is within {@link #SCREEN} of the smallest screening size meeting one of its epsilons, or it is
 *       Algorithm 2's (the quantization-only figure).
 * </ol>
 * Levels only add work: a plan with L + 1 levels first does exactly what the plan with L levels does, so its
 * bests are never larger. The best after all but the last level is kept as the "half budget" answer.
 *
 * <p>Results do not depend on the thread count: the grid's configurations are bisected concurrently, each
 * on its own, and listed from tau = 1 down; boundary models are compressed concurrently; refinements and walks
 * run one epsilon after another. Point indices follow that order.
 */
public final class CoarseSearch<K, M extends CoarseSearch.Measured> {

    public static final String QUANTIZATION = "quantization";
    public static final String GRID = "grid";
    public static final String REFINE = "refine";
    public static final String WALK = "walk";

    /**
     * How much larger than the smallest screening size of a model meeting an epsilon a boundary model's may be for
     * it to be compressed. Measured over the demo's tables (engine 6, 525 (checkpoint, epsilon) bests, 3,638 compressed
     * models): the paper codec's best was never more than 1.087 times the smallest integer codec size of a compressed
     * model meeting its epsilon.
     */
    static final double SCREEN = 1.1;

    /**
     * How close, in places of the tau order, a walk's step up narrows the first configuration meeting an epsilon at a
     * Delta: the loss along the tau order is not monotone at that scale (add-ours-s0@542, epsilon 4: 3.72 nats at one
     * place, 3.97 at the next, 4.00 three places on), so a narrower answer is mostly noise; stopping 4 places short
     * measured 14 % fewer walk models there (493 -> 424). A step down stays exact: it looks at the configuration
     * just before, and one that still meets the epsilon there made the walk creep down place by place (at @146 twice
     * the walk's compressions).
     */
    static final int FIRST_VALID_PLACES = 4;

    /**
     * A walk steps over one rise per direction when the configuration it rose to is within this factor of the
     * epsilon's best (compressed): the envelope is rugged, and a deeper valley can lie one step past a small rise
     * (sub-ours-s0@1000, epsilon 2: the walk stopped at 59,439 B beside its best of 58,018 B, and the next envelope
     * configuration down held 55,975 B; a 5-level search had found 54,509 B there). Measured: 2-11 % more models on
     * 1-layer checkpoints, 3 % on that 2-layer one.
     */
    static final double RISE = 1.05;

    /** What the search needs to know of a measured model. */
    public interface Measured {
        /** Loss of the coarse model minus the checkpoint's (nats). */
        double lossIncrease();
    }

    /**
     * Maps (tau, Delta) to the model it stands for, measures a model's loss and, separately (it costs more),
     * its size. Must be safe to call from many threads.
     */
    public interface Evaluator<K, M> {
        K key(double tau, double delta);

        /**
         * One tau per distinct rank configuration over [tauMin, 1], ascending (so fewest ranks first); the last keeps
         * every matrix dense. Two taus of the list never give the same key.
         */
        double[] configurationTaus(double tauMin);

        M measure(K key);

        /**
         * A size that costs far less than {@link #compressedBytes} and tracks it (the integer codec's): only models
         * whose screening size is near the best's are compressed.
         */
        long screeningBytes(K key);

        long compressedBytes(K key);
    }

    /** A rank configuration and the models of it measured so far, by position on the log-Delta axis. */
    private final class Configuration {
        String phase;
        Double epsilon;
        final double tau;
        /** The epsilons whose boundary this configuration is bisected for: all for the grid's, those that walked to it for a walk's. */
        final List<Double> served;
        final TreeMap<Integer, Node> measured = new TreeMap<>();
        /** Nodes in the order measured, not yet numbered. */
        final List<Node> pending = new ArrayList<>();
        /** Where a refinement's model expects the boundary (a position), or -1: the first bisection starts there. */
        int hint = -1;

        Configuration(String phase, Double epsilon, double tau) {
            this.phase = phase;
            this.epsilon = epsilon;
            this.tau = tau;
            this.served = epsilon == null ? new ArrayList<>(plan.epsilons()) : new ArrayList<>(List.of(epsilon));
        }

        /** A walk's configuration that a grid reaches: from now on bisected for every epsilon, as the grid's. */
        void joinGrid(String gridPhase) {
            phase = gridPhase;
            epsilon = null;
            served.clear();
            served.addAll(plan.epsilons());
        }
    }

    /** A measured model; its index is given once its configuration's step is done, its size when compressed. */
    private final class Node implements Measured {
        final Configuration configuration;
        /** What measured it: the configuration's phase and epsilon then, or the walk and its epsilon. */
        final String phase;
        final Double epsilon;
        final int level;
        final int position;
        final double delta;
        final K key;
        final M measured;
        int index = -1;
        Long bytes;
        Long screening;
        int compressedLevel = -1;
        int sizedLevel = -1;

        Node(Configuration configuration, String phase, Double epsilon, int level, int position, double delta, K key, M measured) {
            this.configuration = configuration;
            this.phase = phase;
            this.epsilon = epsilon;
            this.level = level;
            this.position = position;
            this.delta = delta;
            this.key = key;
            this.measured = measured;
        }

        boolean meets(double epsilon) {
            return SearchResult.meets(measured, epsilon);
        }

        @Override
        public double lossIncrease() {
            return measured.lossIncrease();
        }

        SearchResult.Point<K, M> point() {
            return new SearchResult.Point<>(index, phase, epsilon, level, configuration.tau, delta, key, measured, bytes, compressedLevel, sizedLevel);
        }
    }

    private final SearchPlan plan;
    private final Evaluator<K, M> evaluator;
    private final DoubleToLongFunction seedOf;
    private final ExecutorService pool;
    private final Map<K, Configuration> configurations = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    /** The distinct rank configurations in tau order: a tau for each, and each one's place by key. */
    private double[] orderTaus;
    private final Map<K, Integer> order = new HashMap<>();
    /** (level, epsilon, tau of the configuration) of every walk's start. */
    private final java.util.Set<List<Object>> walkedFrom = new java.util.HashSet<>();
    /** (level, epsilon) -> the spans of the tau order its walks covered, each from the stop below to the stop above. */
    private final Map<List<Object>, List<int[]>> walkedSpans = new HashMap<>();
    /** The epsilon whose walk is measuring, or null. */
    private Double walking;

    private CoarseSearch(SearchPlan plan, Evaluator<K, M> evaluator, DoubleToLongFunction seedOf, ExecutorService pool) {
        this.plan = plan;
        this.evaluator = evaluator;
        this.seedOf = seedOf;
        this.pool = pool;
    }

    /**
     * Runs the plan. {@code seedOf} gives the refinement's seed for an epsilon (the plan's seed, the level and the
     * step are mixed in here); {@code threads} >= 1 measure models concurrently.
     */
    public static <K, M extends Measured> SearchResult<K, M> run(SearchPlan plan, Evaluator<K, M> evaluator, DoubleToLongFunction seedOf,
            int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads(" + threads + ") < 1");
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
        try {
            CoarseSearch<K, M> search = new CoarseSearch<>(plan, evaluator, seedOf, pool);
            return search.run();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private SearchResult<K, M> run() {
        orderTaus = evaluator.configurationTaus(plan.tauMin());
        for (int i = 0; i < orderTaus.length; i++) {
            order.put(evaluator.key(orderTaus[i], plan.deltaMin()), i);
        }
        List<Node> halfBudget = null;
        for (int level = 0; level < plan.levels(); level++) {
            if (level > 0 && level == plan.levels() - 1) {
                halfBudget = bests();
            }
            grid(level);
            for (double epsilon : plan.epsilons()) {
                if (level == 0) {
                    refine(level, epsilon);
                } else {
                    walk(level, epsilon);
                }
            }
            if (level > 0) { // back over the epsilons: a neighbour's best may have moved since this epsilon walked
                for (int e = plan.epsilons().size() - 1; e >= 0; e--) {
                    walk(level, plan.epsilons().get(e));
                }
            }
        }
        List<Node> bests = bests();
        List<SearchResult.Choice<K, M>> choices = new ArrayList<>();
        for (int e = 0; e < plan.epsilons().size(); e++) {
            double epsilon = plan.epsilons().get(e);
            Node quantization = null;
            for (Node n : nodes) {
                if (QUANTIZATION.equals(n.configuration.phase) && n.bytes != null && n.meets(epsilon)
                        && (quantization == null || n.delta > quantization.delta)) {
                    quantization = n;
                }
            }
            choices.add(new SearchResult.Choice<>(epsilon, point(bests.get(e)), point(quantization),
                    halfBudget == null ? null : point(halfBudget.get(e))));
        }
        return new SearchResult<>(plan.epsilons(), nodes.stream().map(Node::point).toList(), choices, plan.levels() > 1);
    }

    private SearchResult.Point<K, M> point(Node n) {
        return n == null ? null : n.point();
    }

    /** Bisects every configuration of the level's grid, then (to the level's width) every earlier one. */
    private void grid(int level) {
        double[] taus = plan.taus(level);
        List<Node> bests = bests();
        List<Configuration> work = new ArrayList<>();
        for (int i = taus.length - 1; i >= 0; i--) { // tau = 1 (Algorithm 2) first
            double tau = taus[i];
            if (level > 0 && tau != 1 && !nearBest(tau, bests, plan.spacing(level - 1))) {
                continue;
            }
            String phase = tau == 1 ? QUANTIZATION : GRID;
            Configuration c = configurations.computeIfAbsent(evaluator.key(tau, plan.deltaMin()), k -> new Configuration(phase, null, tau));
            if (WALK.equals(c.phase)) {
                c.joinGrid(phase);
            }
            if (!work.contains(c)) {
                work.add(c);
            }
        }
        for (Configuration c : configurations.values()) {
            // earlier configurations are narrowed where it can matter: Algorithm 2's, and those holding a best (a walk
            // narrows its own brackets)
            boolean holdsBest = bests.stream().anyMatch(b -> b != null && b.configuration == c);
            if (!work.contains(c) && (QUANTIZATION.equals(c.phase) || holdsBest && !WALK.equals(c.phase))) {
                work.add(c);
            }
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (Configuration c : work) {
            tasks.add(() -> {
                bisect(c, level);
                return null;
            });
        }
        invokeAll(tasks);
        for (Configuration c : work) {
            number(c);
        }
        compressBoundaries(work, level);
    }

    /** Whether {@code tau} is less than {@code spacing} from the tau of a best. */
    private boolean nearBest(double tau, List<Node> bests, double spacing) {
        for (Node b : bests) {
            if (b != null && Math.abs(tau - b.configuration.tau) < spacing) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code refinementSteps} new rank configurations for {@code epsilon}, each where the Bayesian model of
     * ln(bytes) over the boundary models expects the largest improvement.
     */
    private void refine(int level, double epsilon) {
        for (int step = 0; step < plan.refinementSteps(); step++) {
            long seed = seedOf.applyAsLong(epsilon) ^ (0x9E3779B97F4A7C15L * (level + 1)) ^ (0xC2B2AE3D27D4EB4FL * (step + 1));
            BayesianOptimizer bo = new BayesianOptimizer(seed, plan.candidates());
            for (Configuration c : configurations.values()) {
                Node b = c.served.contains(epsilon) ? boundary(c, epsilon) : null;
                if (b != null && b.bytes != null) { // a walk's bisection leaves models that are no boundary
                    bo.observe(plan.normalize(c.tau, b.delta), Math.log(Math.max(1, b.bytes)));
                }
            }
            if (bo.observations() == 0) {
                return; // no valid model to refine around
            }
            double floor = infeasibleBelow(epsilon);
            double[] x = bo.suggest(p -> plan.tau(p) > floor && !configurations.containsKey(evaluator.key(plan.tau(p), plan.deltaMin())));
            if (x == null) {
                return;
            }
            double tau = plan.tau(x);
            Configuration c = new Configuration(REFINE, epsilon, tau);
            c.hint = (int) Math.round(x[1] * SearchPlan.FINE);
            configurations.put(evaluator.key(tau, plan.deltaMin()), c);
            bisect(c, level);
            number(c);
            compressBoundaries(List.of(c), level);
        }
    }

    /**
     * Walks, for {@code epsilon}, along the envelope of the rank configurations on both sides of the best so far, to
     * the level's width. For a Delta the configuration that matters is the first, in tau order, that meets the bound
     * there (fewest ranks); its boundary model is where its size is smallest. So from a boundary model the next one
     * up is found at the Delta just above it (measured invalid there): the first configuration valid at that Delta,
     * searched among the configurations after it (more ranks lower the loss) to within {@link #FIRST_VALID_PLACES}
     * places, then its own boundary. The next one
     * down: the first configuration valid at the boundary of the configuration just before. Each side stops at the
     * first envelope configuration that is smaller than the one before it under neither codec (the paper's compressed
     * size, the integer codec's screening size): the bottom of the valley (measured: waiting for a second one costs
     * 40 % more models and moved no best by more than 1.2 %), unless it is the side's first such rise and within
     * {@link #RISE} of the epsilon's best; every one visited is sized. The envelope can have more
     * than one valley (the demo's add-ours-s0@66 and @86 at epsilon 1: a 4-level search found 7-8 % smaller bests in
     * the other), so the walk also starts from the configurations of the neighbouring epsilons' bests, unless a
     * start lies strictly between the stops of a walk this epsilon already made at this level: from there a walk
     * goes down to the same bottom, and the other valley lies beyond a stop (measured: 7-18 % fewer models, every
     * best within the convergence targets). From level 1 on (level 0's grid is too coarse to start from).
     * Sequential, so its points are numbered as measured.
     */
    private void walk(int level, double epsilon) {
        int e = plan.epsilons().indexOf(epsilon);
        List<Node> bests = bests();
        if (bests.get(e) == null) {
            return;
        }
        // from the best, then from the neighbouring epsilons' bests' configurations: the envelope can have more than
        // one valley, and a neighbour's best often lies in the other one
        List<Node> starts = new ArrayList<>();
        for (int n : new int[] {e, e - 1, e + 1}) {
            Node b = n < 0 || n >= bests.size() ? null : bests.get(n);
            if (b != null && order.containsKey(configurationKey(b.configuration))
                    && starts.stream().noneMatch(x -> x.configuration == b.configuration)) {
                starts.add(b);
            }
        }
        List<int[]> spans = walkedSpans.computeIfAbsent(List.of(level, epsilon), k -> new ArrayList<>());
        walking = epsilon;
        try {
            for (Node start : starts) {
                int i = place(start);
                if (!walkedFrom.add(List.of(level, epsilon, start.configuration.tau)) || within(i, spans)) {
                    // walked from here already, or inside a valley this epsilon's walks went down: between its stops a
                    // walk only comes back to the same bottom (the other valley lies beyond a stop)
                    continue;
                }
                Node from = boundaryFrom(i, start.position, epsilon, plan.bracket(level), level);
                if (from != null) {
                    spans.add(walk(from, epsilon, level));
                }
            }
        } finally {
            walking = null;
        }
    }

    /** Walks both ways from {@code start}; returns the span of the tau order covered, stops included. */
    private int[] walk(Node start, double epsilon, int level) {
        int width = plan.bracket(level);
        compressBoundaries(List.of(start.configuration), level);
        int[] span = {place(start), place(start)};
        for (boolean up : new boolean[] {true, false}) {
            Node at = start;
            boolean rose = false;
            while (true) {
                Node next = up ? envelopeAbove(at, epsilon, width, level) : envelopeBelow(at, epsilon, width, level);
                if (next == null) {
                    break;
                }
                span[0] = Math.min(span[0], place(next));
                span[1] = Math.max(span[1], place(next));
                compressBoundaries(List.of(next.configuration), level);
                boolean smallerCompressed = next.bytes != null && at.bytes != null && smaller(next, at);
                if (!smallerCompressed && next.screening >= at.screening) {
                    Node best = bests().get(plan.epsilons().indexOf(epsilon));
                    if (rose || next.bytes == null || best == null || next.bytes > RISE * best.bytes) {
                        break; // the valley's bottom, under both codecs
                    }
                    rose = true; // a small rise: look one step further
                }
                at = next;
            }
        }
        return span;
    }

    private int place(Node n) {
        return order.get(configurationKey(n.configuration));
    }

    private static boolean within(int place, List<int[]> spans) {
        for (int[] span : spans) {
            if (place > span[0] && place < span[1]) { // strictly between its stops
                return true;
            }
        }
        return false;
    }

    /** The next envelope configuration above {@code at} (its boundary model for {@code epsilon}); null when none. */
    private Node envelopeAbove(Node at, double epsilon, int width, int level) {
        Integer i = order.get(configurationKey(at.configuration));
        Integer above = at.configuration.measured.higherKey(at.position);
        if (i == null || above == null) {
            return null;
        }
        int hi = known(above, epsilon, i, orderTaus.length - 1, true);
        Integer first = firstValid(known(above, epsilon, i, hi, false), hi, above, epsilon, level, FIRST_VALID_PLACES);
        return first == null ? null : boundaryFrom(first, above, epsilon, width, level);
    }

    /** The next envelope configuration below {@code at} (its boundary model for {@code epsilon}); null when none. */
    private Node envelopeBelow(Node at, double epsilon, int width, int level) {
        Integer i = order.get(configurationKey(at.configuration));
        if (i == null || i == 0) {
            return null;
        }
        Configuration before = configurationAt(i - 1, epsilon);
        Integer below = new DeltaBoundary<>(plan, before.measured, j -> measureNow(before, j, level), width)
                .largestValidFrom(epsilon, at.position);
        if (below == null) {
            return null;
        }
        Integer first = firstValid(known(below, epsilon, -1, i - 1, false), i - 1, below, epsilon, level, 1);
        return boundaryFrom(first, below, epsilon, width, level);
    }

    /**
     * The first configuration in (lo, hi] that meets {@code epsilon} at {@code position}, to within {@code places},
     * by bisection (lo is known to fail there, or -1): one that meets it, with one known to fail it at most
     * {@code places} below; null when not even hi meets it. (Galloping from the expected end measured more models:
     * the envelope's steps skip tens of configurations, 13-130 of 1,037 on a 2-layer checkpoint.)
     */
    private Integer firstValid(int lo, int hi, int position, double epsilon, int level, int places) {
        if (!meetsAt(hi, position, epsilon, level)) {
            return null;
        }
        while (hi - lo > places) {
            int mid = (lo + hi) >>> 1;
            if (meetsAt(mid, position, epsilon, level)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /**
     * Among the configurations at places in (lo, hi) of the tau order, what is already known at {@code position}: with
     * {@code meets} false, the largest place of one measured failing {@code epsilon} at or below it (so failing it
     * there), or lo; with {@code meets} true, the smallest place of one measured meeting it at or above it (so
     * meeting it there), or hi.
     */
    private int known(int position, double epsilon, int lo, int hi, boolean meets) {
        int found = meets ? hi : lo;
        for (Map.Entry<K, Configuration> e : configurations.entrySet()) {
            Integer i = order.get(e.getKey());
            if (i == null || i <= lo || i >= hi || (meets ? i >= found : i <= found)) {
                continue;
            }
            TreeMap<Integer, Node> measured = e.getValue().measured;
            for (Node n : (meets ? measured.tailMap(position, true) : measured.headMap(position, true)).values()) {
                if (n.meets(epsilon) == meets) {
                    found = i;
                    break;
                }
            }
        }
        return found;
    }

    private boolean meetsAt(int index, int position, double epsilon, int level) {
        Configuration c = configurationAt(index, epsilon);
        Node n = c.measured.containsKey(position) ? c.measured.get(position) : measureNow(c, position, level);
        return n.meets(epsilon);
    }

    /** The boundary model for {@code epsilon} of configuration {@code index}, which meets it at {@code valid}. */
    private Node boundaryFrom(int index, int valid, double epsilon, int width, int level) {
        Configuration c = configurationAt(index, epsilon);
        Integer b = new DeltaBoundary<>(plan, c.measured, j -> measureNow(c, j, level), width).largestValidFrom(epsilon, valid);
        return b == null ? null : c.measured.get(b);
    }

    /** Configuration {@code index} of the tau order, made to serve {@code epsilon}. */
    private Configuration configurationAt(int index, double epsilon) {
        double tau = orderTaus[index];
        K key = evaluator.key(tau, plan.deltaMin());
        Configuration c = configurations.computeIfAbsent(key, k -> new Configuration(WALK, epsilon, tau));
        if (!c.served.contains(epsilon)) {
            c.served.add(epsilon);
        }
        return c;
    }

    private K configurationKey(Configuration c) {
        return evaluator.key(c.tau, plan.deltaMin());
    }

    /** Measures (always: the walk needs the model) and numbers at once (the walk is sequential). */
    private Node measureNow(Configuration c, int position, int level) {
        measure(c, position, level, false);
        number(c);
        return c.measured.get(position);
    }

    /**
     * The largest tau of a configuration bisected for {@code epsilon} that fails it even at deltaMin: fewer ranks
     * keep less of the weights, so smaller taus are not worth a refinement step (the bound as a constraint).
     */
    private double infeasibleBelow(double epsilon) {
        double floor = -1;
        for (Configuration c : configurations.values()) {
            if (c.served.contains(epsilon) && c.measured.containsKey(0) && !c.measured.get(0).meets(epsilon)) {
                floor = Math.max(floor, c.tau);
            }
        }
        return floor;
    }

    /**
     * Measures {@code c} at deltaMin (a configuration that fails all its epsilons there is done), brackets each
     * epsilon's boundary (both ends of the range; or, the first time for a refinement, steps doubling outwards
     * from its hint) and halves every bracket [largest valid, next measured] until it is at most the level's
     * width. Touches only {@code c}: configurations bisect concurrently.
     */
    private void bisect(Configuration c, int level) {
        int width = plan.bracket(level);
        measure(c, 0, level);
        if (c.hint >= 0) {
            int h = Math.max(width, Math.min(SearchPlan.FINE - width, c.hint / width * width));
            c.hint = -1;
            double epsilon = c.served.get(0);
            if (c.measured.get(0).meets(epsilon)) {
                measure(c, h, level);
                int step = width;
                if (c.measured.get(h).meets(epsilon)) {
                    int at = h;
                    while (at < SearchPlan.FINE && c.measured.get(at).meets(epsilon)) {
                        at = Math.min(SearchPlan.FINE, at + step);
                        measure(c, at, level);
                        step *= 2;
                    }
                } else {
                    int at = h;
                    while (at > 0 && !c.measured.get(at).meets(epsilon)) {
                        at = Math.max(0, at - step);
                        measure(c, at, level);
                        step *= 2;
                    }
                }
            }
        } else {
            measure(c, SearchPlan.FINE, level);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (double epsilon : c.served) {
                Integer valid = largestValid(c, epsilon);
                if (valid == null || valid == SearchPlan.FINE) {
                    continue;
                }
                int above = c.measured.higherKey(valid);
                if (above - valid > width) {
                    measure(c, valid + (above - valid) / 2, level);
                    changed = true;
                }
            }
        }
    }

    private Integer largestValid(Configuration c, double epsilon) {
        for (Integer j : c.measured.descendingKeySet()) {
            if (c.measured.get(j).meets(epsilon)) {
                return j;
            }
        }
        return null;
    }

    /** The model at {@code c}'s largest valid Delta for {@code epsilon}; null when none is valid. */
    private Node boundary(Configuration c, double epsilon) {
        Integer j = largestValid(c, epsilon);
        return j == null ? null : c.measured.get(j);
    }

    private void measure(Configuration c, int position, int level) {
        measure(c, position, level, true);
    }

    /** {@code skipHopeless}: not at deltaMax when deltaMin already meets none of the configuration's epsilons. */
    private void measure(Configuration c, int position, int level, boolean skipHopeless) {
        if (skipHopeless && position == SearchPlan.FINE && c.measured.containsKey(0)
                && !c.measured.get(0).meets(Collections.max(c.served))) {
            return; // the smallest Delta already meets none of its epsilons: nothing to bracket
        }
        if (c.measured.containsKey(position)) {
            return;
        }
        double delta = plan.delta(position);
        K key = evaluator.key(c.tau, delta);
        boolean walk = walking != null && !QUANTIZATION.equals(c.phase); // tau = 1 stays Algorithm 2's, whoever measures it
        Node n = walk ? new Node(c, WALK, walking, level, position, delta, key, evaluator.measure(key))
                : new Node(c, c.phase, c.epsilon, level, position, delta, key, evaluator.measure(key));
        c.measured.put(position, n);
        c.pending.add(n);
    }

    /** Gives {@code c}'s new nodes their indices, in the order they were measured. */
    private void number(Configuration c) {
        for (Node n : c.pending) {
            n.index = nodes.size();
            nodes.add(n);
        }
        c.pending.clear();
    }

    /**
     * Sizes every boundary model of {@code work} not sized yet at {@code level}, concurrently: first its screening size,
     * then, unless that shows it cannot become a best ({@link #mayBecomeBest}), its compressed size; Algorithm 2's
     * models are always compressed (the quantization-only figure). A screened-out model is not compressed later either
     * (the smallest screening sizes only fall) unless it becomes the boundary for another epsilon.
     */
    private void compressBoundaries(List<Configuration> work, int level) {
        List<Node> todo = new ArrayList<>();
        for (Configuration c : work) {
            for (double epsilon : c.served) {
                Node b = boundary(c, epsilon);
                if (b != null && b.bytes == null && !todo.contains(b)) {
                    todo.add(b);
                }
            }
        }
        List<Node> unsized = todo.stream().filter(n -> n.screening == null).toList();
        List<Callable<Long>> screens = new ArrayList<>();
        for (Node n : unsized) {
            screens.add(() -> evaluator.screeningBytes(n.key));
        }
        List<Long> screening = invokeAll(screens);
        for (int i = 0; i < unsized.size(); i++) {
            unsized.get(i).screening = screening.get(i);
            unsized.get(i).sizedLevel = level;
        }
        List<Node> compress = new ArrayList<>();
        for (Node n : todo) {
            // Algorithm 2's boundaries are compressed whatever their size: the quantization-only figure (at every level,
            // so that a plan with a level more first does exactly what this one does)
            if (QUANTIZATION.equals(n.configuration.phase) || mayBecomeBest(n)) {
                compress.add(n);
            }
        }
        List<Callable<Long>> tasks = new ArrayList<>();
        for (Node n : compress) {
            tasks.add(() -> evaluator.compressedBytes(n.key));
        }
        List<Long> bytes = invokeAll(tasks);
        for (int i = 0; i < compress.size(); i++) {
            compress.get(i).bytes = bytes.get(i);
            compress.get(i).compressedLevel = level;
        }
    }

    /**
     * Whether {@code n} may become the best of an epsilon it is the boundary model of: its screening size is at most
     * {@link #SCREEN} times the smallest screening size of a model meeting that epsilon (a model larger than that
     * cannot be smaller than that one once compressed).
     */
    private boolean mayBecomeBest(Node n) {
        for (double epsilon : n.configuration.served) {
            if (boundary(n.configuration, epsilon) != n) {
                continue;
            }
            if (n.screening <= SCREEN * smallestScreening(epsilon)) { // n itself is among them once numbered
                return true;
            }
        }
        return false;
    }

    /** The smallest screening size of a model meeting {@code epsilon}, or Long.MAX_VALUE. */
    private long smallestScreening(double epsilon) {
        long smallest = Long.MAX_VALUE;
        for (Node m : nodes) {
            if (m.screening != null && m.meets(epsilon)) {
                smallest = Math.min(smallest, m.screening);
            }
        }
        return smallest;
    }

    /** Per epsilon, the smallest compressed valid model so far (null when none). */
    private List<Node> bests() {
        List<Node> out = new ArrayList<>();
        for (double epsilon : plan.epsilons()) {
            Node best = null;
            for (Node n : nodes) {
                if (n.bytes != null && n.meets(epsilon) && (best == null || smaller(n, best))) {
                    best = n;
                }
            }
            out.add(best);
        }
        return out;
    }

    /** Smaller bytes, then smaller loss increase, then measured first. */
    private boolean smaller(Node a, Node b) {
        if (!a.bytes.equals(b.bytes)) {
            return a.bytes < b.bytes;
        }
        if (a.measured.lossIncrease() != b.measured.lossIncrease()) {
            return a.measured.lossIncrease() < b.measured.lossIncrease();
        }
        return a.index < b.index;
    }

    private <T> List<T> invokeAll(List<Callable<T>> work) {
        List<T> out = new ArrayList<>(work.size());
        try {
            if (pool == null) {
                for (Callable<T> c : work) {
                    out.add(c.call());
                }
                return out;
            }
            for (Future<T> f : pool.invokeAll(work)) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("search interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a search task failed", cause);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "occam-engine");
            t.setDaemon(true);
            return t;
        };
    }
}

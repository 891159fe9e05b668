package occam.analysis.engine.search;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.DoubleToLongFunction;

/**
 * Runs a {@link SearchPlan} against an evaluator of coarse models and returns every proposal, in canonical order.
 *
 * <ol>
 *   <li><b>quantization</b>: tau = 1 at every grid Delta (Algorithm 2; also the tau = 1 column of the grid);
 *   <li><b>grid</b>: every other grid tau x every grid Delta; these points serve every epsilon;
 *   <li><b>refine</b>: per epsilon, {@code refinementSteps} suggestions of a {@link BayesianOptimizer} fed with
 *       the grid and its own earlier points. Objective ln(bytes) when the point meets the epsilon, else a penalty
 *       of ln(2 x the largest size the grid saw). The optimizer is seeded by the caller per epsilon (from run,
 *       step, epsilon) and never suggests a model it has already seen.
 * </ol>
 *
 * Each distinct key is measured once (concurrent requests wait for the first). Refinements of different epsilons
 * are independent of one another, so they run in parallel and the result does not depend on the thread count or
 * on timing: canonical order is quantization, grid (tau, then Delta, ascending), then refinement per epsilon in
 * plan order.
 */
public final class CoarseSearch<K, M extends CoarseSearch.Measured> {

    public static final String QUANTIZATION = "quantization";
    public static final String GRID = "grid";
    public static final String REFINE = "refine";

    /** What the search needs to know of a measured model. */
    public interface Measured {
        /** Loss of the coarse model minus the checkpoint's (nats). */
        double lossIncrease();

        long compressedBytes();
    }

    /** Maps (tau, Delta) to the model it stands for, and measures a model. Must be safe to call from many threads. */
    public interface Evaluator<K, M> {
        K key(double tau, double delta);

        M measure(K key);
    }

    /** One proposal: where it came from, its (tau, Delta), the model it stands for and the measurement. */
    public record Proposal<K, M>(String phase, Double epsilon, double tau, double delta, K key, M measured) {}

    private final SearchPlan plan;
    private final Evaluator<K, M> evaluator;
    private final Map<K, FutureTask<M>> cache = new ConcurrentHashMap<>();

    private CoarseSearch(SearchPlan plan, Evaluator<K, M> evaluator) {
        this.plan = plan;
        this.evaluator = evaluator;
    }

    /**
     * Every proposal of the plan, canonical order. {@code seedOf} gives the optimizer's seed for an epsilon;
     * {@code threads} >= 1 measure models concurrently.
     */
    public static <K, M extends Measured> List<Proposal<K, M>> run(SearchPlan plan, Evaluator<K, M> evaluator,
            DoubleToLongFunction seedOf, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads(" + threads + ") < 1");
        }
        CoarseSearch<K, M> search = new CoarseSearch<>(plan, evaluator);
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
        try {
            return search.run(seedOf, pool);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private List<Proposal<K, M>> run(DoubleToLongFunction seedOf, ExecutorService pool) {
        // phase A: quantization then grid; the keys first, so duplicates are measured once
        List<double[]> points = new ArrayList<>();
        double[] taus = plan.taus();
        double[] deltas = plan.deltas();
        for (double delta : deltas) {
            points.add(new double[] {1.0, delta});
        }
        for (int t = 0; t < taus.length - 1; t++) {
            for (double delta : deltas) {
                points.add(new double[] {taus[t], delta});
            }
        }
        List<K> keys = new ArrayList<>();
        Map<K, Boolean> distinct = new LinkedHashMap<>();
        for (double[] p : points) {
            K key = evaluator.key(p[0], p[1]);
            keys.add(key);
            distinct.put(key, Boolean.TRUE);
        }
        List<Callable<M>> work = new ArrayList<>();
        for (K key : distinct.keySet()) {
            work.add(() -> measure(key));
        }
        invokeAll(pool, work);
        List<Proposal<K, M>> shared = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            String phase = p[0] == 1.0 && i < deltas.length ? QUANTIZATION : GRID;
            shared.add(new Proposal<>(phase, null, p[0], p[1], keys.get(i), measure(keys.get(i))));
        }

        // phase B: one refinement per epsilon, independent of the others
        List<Callable<List<Proposal<K, M>>>> refinements = new ArrayList<>();
        for (double epsilon : plan.epsilons()) {
            refinements.add(() -> refine(epsilon, seedOf.applyAsLong(epsilon), shared));
        }
        List<Proposal<K, M>> all = new ArrayList<>(shared);
        for (List<Proposal<K, M>> r : invokeAll(pool, refinements)) {
            all.addAll(r);
        }
        return all;
    }

    private List<Proposal<K, M>> refine(double epsilon, long seed, List<Proposal<K, M>> shared) {
        List<Proposal<K, M>> out = new ArrayList<>();
        if (plan.refinementSteps() == 0) {
            return out;
        }
        long largest = 1;
        for (Proposal<K, M> p : shared) {
            largest = Math.max(largest, p.measured().compressedBytes());
        }
        double penalty = Math.log(2.0 * largest);
        BayesianOptimizer bo = new BayesianOptimizer(seed, plan.candidates());
        Set<K> seen = new HashSet<>();
        for (Proposal<K, M> p : shared) {
            bo.observe(plan.normalize(p.tau(), p.delta()), objective(p.measured(), epsilon, penalty));
            seen.add(p.key());
        }
        for (int step = 0; step < plan.refinementSteps(); step++) {
            double[] x = bo.suggest(c -> !seen.contains(evaluator.key(plan.tau(c), plan.delta(c))));
            if (x == null) {
                break;
            }
            double tau = plan.tau(x);
            double delta = plan.delta(x);
            K key = evaluator.key(tau, delta);
            M m = measure(key);
            seen.add(key);
            out.add(new Proposal<>(REFINE, epsilon, tau, delta, key, m));
            bo.observe(plan.normalize(tau, delta), objective(m, epsilon, penalty));
        }
        return out;
    }

    private static double objective(Measured m, double epsilon, double penalty) {
        return m.lossIncrease() <= epsilon ? Math.log(Math.max(1, m.compressedBytes())) : penalty;
    }

    private M measure(K key) {
        FutureTask<M> task = cache.get(key);
        if (task == null) {
            FutureTask<M> mine = new FutureTask<>(() -> evaluator.measure(key));
            task = cache.putIfAbsent(key, mine);
            if (task == null) {
                task = mine;
                mine.run();
            }
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + key, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause(), key);
        }
    }

    private static <T> List<T> invokeAll(ExecutorService pool, List<Callable<T>> work) {
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
            throw rethrow(e.getCause(), "a search task");
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RuntimeException rethrow(Throwable cause, Object where) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("measuring " + where + " failed", cause);
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "occam-engine");
            t.setDaemon(true);
            return t;
        };
    }
}

package occam.training.regularize;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import occam.schemas.Tensor;
import occam.training.model.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The penalty {@code beta x mean_j H(W_j)} over the model's 2-D weights, applied as a gradient: DJL's autograd has no
 * SVD, so {@code beta / M x dH/dW_j} is computed beside it and added to each weight's gradient (the same update as
 * differentiating the penalty inside the loss).
 *
 * <p>Every step needs all singular values and vectors of every 2-D weight at the (noisy) point the loss gradient is
 * taken at. They come from the eigendecomposition of each matrix's Gram matrix on its smaller side, in float64,
 * through PyTorch's LAPACK ({@link TorchLinalg}): one native call per step for all matrices. The tests hold it to
 * {@link SpectralEntropy}'s exact SVD.
 *
 * <p>The point is known before the forward pass, so {@link #start} runs the decomposition on a thread of its own while
 * the caller runs forward and backward; {@link Pending#addGradients} then waits for it. On a CPU this keeps a second
 * core busy instead of adding the decomposition to the step's critical path.
 */
public final class SpectralPenalty implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpectralPenalty.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final double beta;
    private final TorchLinalg linalg;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "spectral-penalty");
        t.setDaemon(true);
        return t;
    });
    private long fallbacks;
    private final AtomicLong workNanos = new AtomicLong();
    private final AtomicLong workCpuNanos = new AtomicLong();

    public SpectralPenalty(double beta, TorchLinalg linalg) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("spectral beta(" + beta + ") < 0");
        }
        this.beta = beta;
        this.linalg = linalg;
    }

    public double beta() {
        return beta;
    }

    /** Nanoseconds spent decomposing since the last call (on the penalty's thread, overlapping the steps). */
    public long takeWorkNanos() {
        return workNanos.getAndSet(0);
    }

    /** CPU nanoseconds of the penalty's thread spent decomposing since the last call. */
    public long takeWorkCpuNanos() {
        return workCpuNanos.getAndSet(0);
    }

    /** Steps whose decomposition LAPACK could not do, done instead by the exact SVD in Java. */
    public long fallbacks() {
        return fallbacks;
    }

    /** A decomposition under way for one step. */
    public final class Pending {
        private final List<String> names;
        private final List<NDArray> matrices;
        private final Future<TorchLinalg.Spectra> spectra;

        private Pending(List<String> names, List<NDArray> matrices, Future<TorchLinalg.Spectra> spectra) {
            this.names = names;
            this.matrices = matrices;
            this.spectra = spectra;
        }

        /**
         * Waits for the decomposition and adds {@code beta / M x dH/dW} to the gradients of {@code clean}'s matrices.
         *
         * @return the mean spectral entropy (nats) at the point
         */
        public double addGradients(Weights clean, NDManager step) {
            List<NDArray> gradients;
            double[] entropies;
            try {
                TorchLinalg.Spectra s = spectra.get();
                gradients = s.gradients();
                entropies = s.entropies();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the spectral penalty", e);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof EngineException)) {
                    throw new IllegalStateException("spectral penalty failed", e.getCause());
                }
                // LAPACK gave up on a matrix (it reports "failed to converge" on rare inputs): exact SVD instead
                if (fallbacks++ == 0) {
                    LOG.warn("LAPACK eigendecomposition failed ({}); this step's spectral penalty uses the exact SVD",
                            e.getCause().getMessage().lines().findFirst().orElse(""));
                }
                gradients = new ArrayList<>();
                entropies = new double[names.size()];
                for (int j = 0; j < names.size(); j++) {
                    NDArray m = matrices.get(j);
                    Tensor t = new Tensor(toInts(m.getShape().getShape()), m.toFloatArray());
                    for (float v : t.values()) {
                        if (!Float.isFinite(v)) {
                            throw new ArithmeticException(names.get(j) + " holds " + v + ": training diverged");
                        }
                    }
                    double[] g = SpectralEntropy.gradient(t);
                    float[] gf = new float[g.length];
                    for (int i = 0; i < g.length; i++) {
                        gf[i] = (float) g[i];
                    }
                    gradients.add(step.create(gf, m.getShape()).toDevice(m.getDevice(), false));
                    entropies[j] = SpectralEntropy.entropy(t);
                }
            }
            double scale = beta / names.size();
            double sum = 0;
            for (int j = 0; j < names.size(); j++) {
                try (NDArray grad = clean.get(names.get(j)).getGradient()) {
                    // module outputs are inference tensors: no in-place ops on them
                    grad.addi(gradients.get(j).mul(scale));
                }
                sum += entropies[j];
            }
            return sum / names.size();
        }
    }

    /**
     * Waits for {@code pending} to finish and drops its result (a failed step must not close arrays the
     * decomposition still reads).
     */
    public static void discard(Pending pending) {
        try {
            pending.spectra.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the step is abandoned anyway
        }
    }

    /**
     * Starts the decomposition of {@code at}'s matrices on the penalty's thread; the results are attached to
     * {@code step}. The arrays of {@code at} must stay open until {@link Pending#addGradients} returns.
     */
    public Pending start(Weights at, NDManager step) {
        List<String> names = at.matrixNames();
        List<NDArray> matrices = new ArrayList<>(names.size());
        for (String name : names) {
            matrices.add(at.get(name));
        }
        Future<TorchLinalg.Spectra> spectra = worker.submit(() -> {
            long t0 = System.nanoTime();
            long c0 = CPU.getCurrentThreadCpuTime();
            JniUtils.setGradMode(false); // per thread in PyTorch: this thread records no graph
            try {
                return linalg.spectral(matrices, SpectralEntropy.ZERO_TOLERANCE, true, step);
            } finally {
                workNanos.addAndGet(System.nanoTime() - t0);
                workCpuNanos.addAndGet(CPU.getCurrentThreadCpuTime() - c0);
            }
        });
        return new Pending(names, matrices, spectra);
    }

    /** {@link #start} and {@link Pending#addGradients} in one: the penalty's gradient at {@code at}, added to {@code clean}'s. */
    public double addGradients(Weights at, Weights clean, NDManager step) {
        return start(at, step).addGradients(clean, step);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    private static int[] toInts(long[] shape) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = Math.toIntExact(shape[i]);
        }
        return out;
    }
}

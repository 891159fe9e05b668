package occam.training.regularize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import occam.training.model.Weights;

/**
 * The penalty {@code beta x mean_j H(W_j)} over the model's 2-D weights, applied as a gradient: DJL's autograd has no
 * SVD, so {@code beta / M x dH/dW_j} is computed beside it and added to each weight's gradient (the same update as
 * differentiating the penalty inside the loss).
 *
 * <p>Every step needs all singular values and vectors of every 2-D weight at the (noisy) point the loss gradient was
 * taken at. They come from the eigendecomposition of each matrix's Gram matrix on its smaller side, in float64,
 * through PyTorch's LAPACK ({@link TorchLinalg}): one native call per step for all matrices.
 */
public final class SpectralPenalty {

    /**
     * Singular values below this fraction of the largest are dropped: the Gram matrix in float64 resolves singular
     * values down to about 1e-8 of the largest, and the float32 weights themselves carry no more than ~1e-7.
     */
    public static final double RELATIVE_TOLERANCE = 1e-6;

    private final double beta;
    private final TorchLinalg linalg;

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

    /**
     * Adds {@code beta / M x dH/dW} at the point {@code at} to the gradients of {@code clean}'s matrices.
     *
     * @param at the weights the loss gradient was taken at (noisy or clean)
     * @param clean the trained weights, whose gradients receive the penalty's
     * @return the mean spectral entropy (nats) at {@code at}
     */
    public double addGradients(Weights at, Weights clean, NDManager step) {
        List<String> names = clean.matrixNames();
        List<NDArray> matrices = new ArrayList<>(names.size());
        for (String name : names) {
            matrices.add(at.get(name));
        }
        TorchLinalg.Spectra spectra = linalg.spectral(matrices, RELATIVE_TOLERANCE, true, step);
        double scale = beta / names.size();
        double sum = 0;
        for (int j = 0; j < names.size(); j++) {
            try (NDArray grad = clean.get(names.get(j)).getGradient()) {
                grad.addi(spectra.gradients().get(j).mul(scale)); // module outputs are inference tensors: no in-place ops on them
            }
            sum += spectra.entropies()[j];
        }
        return sum / names.size();
    }
}

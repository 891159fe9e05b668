/** The paper's regularizer: spectral entropy of the 2-D weights (value and gradient) and Gaussian weight noise. */
package occam.training.regularize;

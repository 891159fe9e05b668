/** The paper's decoder-only transformer written from DJL NDArray ops: weights, initialization and forward pass. */
package occam.training.model;

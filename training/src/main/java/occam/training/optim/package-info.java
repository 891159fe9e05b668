/** The optimizer: AdamW with decoupled weight decay on every parameter. */
package occam.training.optim;

/** Measurements of the trainer: time per epoch, peak memory, the spectral penalty's share, and the grokking epoch. */
package occam.training.bench;

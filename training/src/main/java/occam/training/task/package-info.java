/** The grokking tasks: modular operation tables and their seeded train/test splits. */
package occam.training.task;

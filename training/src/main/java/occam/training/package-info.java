/** The trainer: configuration, the training loop and its listeners (archive, progress), and the {@code train} command. */
package occam.training;

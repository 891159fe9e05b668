/**
 * The model's forward pass in plain Java, rebuilt from the model spec: training loss (nats), data bits and
 * accuracy of a checkpoint or coarse model on the whole training split.
 */
package occam.analysis.engine.loss;

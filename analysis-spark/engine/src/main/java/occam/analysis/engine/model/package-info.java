/** The coarse model: every tensor of a checkpoint either dense or as two factors, in float32. */
package occam.analysis.engine.model;

/**
 * The coarse-graining engine: turns one checkpoint into complexity figures (plain Java, no Spark).
 *
 * <p>{@link occam.analysis.engine.CheckpointAnalyzer#analyze} is the one entry; its result records mirror the
 * analysis tables column for column. The techniques live in sibling packages, each with one small public entry:
 * {@code loss} (the Java forward pass), {@code lowrank} (SVD and truncation), {@code quant} (quantization),
 * {@code coarse} (both applied to a checkpoint), {@code codec} (the paper's serialization + bzip2 and its
 * decoder), {@code search} (grid and Bayesian refinement) and {@code figures} (spectra, bounds, fits).
 */
package occam.analysis.engine;

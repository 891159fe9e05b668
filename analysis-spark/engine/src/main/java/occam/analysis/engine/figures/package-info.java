/** Figures derived from a search: spectral entropy and effective rank, the generalization bound, the rate-distortion fit. */
package occam.analysis.engine.figures;

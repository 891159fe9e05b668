/**
 * The (tau, Delta) search: Algorithm 2 (tau = 1), a grid shared by every epsilon, then Bayesian refinement per
 * epsilon (Gaussian process on the normalized square, expected improvement, invalid points penalized).
 */
package occam.analysis.engine.search;

/**
 * The (tau, Delta) search: nested levels of tau grids whose rank configurations are bisected on log Delta for
 * every epsilon at once (tau = 1 is Algorithm 2), Bayesian refinement along the validity boundary per epsilon, and
 * the choice per epsilon ({@link occam.analysis.engine.search.SearchResult}, where the bound test lives).
 */
package occam.analysis.engine.search;

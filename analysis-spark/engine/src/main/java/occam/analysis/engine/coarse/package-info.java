/** Coarse-graining of one checkpoint: R(theta, tau) then Q(., Delta), from SVDs computed once and reused. */
package occam.analysis.engine.coarse;

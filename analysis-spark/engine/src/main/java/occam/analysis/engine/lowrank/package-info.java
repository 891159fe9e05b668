/** Low-rank truncation R(theta, tau): one SVD per weight matrix, and the rank k(tau) it keeps (paper eqs. 12-14). */
package occam.analysis.engine.lowrank;

/** A benchmark of the engine on the paper-size models (prints measured figures; not used by the product). */
package occam.analysis.engine.bench;

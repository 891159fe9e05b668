/** Quantization Q(x, Delta) = round(x / Delta) x Delta with one global Delta (paper eq. 11). */
package occam.analysis.engine.quant;

/**
 * The codecs of a coarse model behind one {@link occam.analysis.engine.codec.Codec} interface: the paper's (float32
 * values, bzip2 -9) and the integer codec (quantization indices, range coded); each message decodes to the model.
 */
package occam.analysis.engine.codec;

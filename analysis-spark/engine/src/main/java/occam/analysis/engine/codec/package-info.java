/** The paper codec: a coarse model serialized as float32 values, then bzip2 -9; and its decoder. */
package occam.analysis.engine.codec;

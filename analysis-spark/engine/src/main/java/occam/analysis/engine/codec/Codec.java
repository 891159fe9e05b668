package occam.analysis.engine.codec;

import occam.analysis.engine.model.CoarseModel;

/**
 * A complete, decodable description of a coarse model: what the search sizes a point with. The size of a model is
 * the length of the whole message {@link #encode} returns, header included.
 */
public interface Codec {

    /** The paper's: float32 values, bzip2 -9 ({@link PaperCodec}); ignores the step sizes. */
    Codec PAPER = new Codec() {
        @Override
        public String name() {
            return PaperCodec.NAME;
        }

        @Override
        public byte[] encode(CoarseModel model, StepSizes steps) {
            return PaperCodec.encode(model);
        }

        @Override
        public CoarseModel decode(byte[] message) {
            return PaperCodec.decode(message);
        }

        @Override
        public long size(CoarseModel model, StepSizes steps) {
            return PaperCodec.compressedSize(model);
        }
    };

    /** Quantization indices, context-modelled and range coded ({@link IntegerCodec}). */
    Codec INTEGER = new Codec() {
        @Override
        public String name() {
            return IntegerCodec.NAME;
        }

        @Override
        public byte[] encode(CoarseModel model, StepSizes steps) {
            return IntegerCodec.encode(model, steps);
        }

        @Override
        public CoarseModel decode(byte[] message) {
            return IntegerCodec.decode(message);
        }

        @Override
        public long size(CoarseModel model, StepSizes steps) {
            return IntegerCodec.size(model, steps);
        }
    };

    /** The value of the {@code codec} column: {@code paper} or {@code integer}. */
    String name();

    /** The whole message. {@code steps}: the step sizes the model was quantized with. */
    byte[] encode(CoarseModel model, StepSizes steps);

    /** The coarse model, bit for bit, from {@link #encode}'s bytes alone. */
    CoarseModel decode(byte[] message);

    /** {@code encode(model, steps).length}, computed without keeping the message. */
    long size(CoarseModel model, StepSizes steps);
}

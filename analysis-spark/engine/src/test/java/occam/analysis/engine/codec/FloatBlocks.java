package occam.analysis.engine.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Float32 test data as bzip2 sees a model's values: little-endian, as the paper codec serializes them. */
final class FloatBlocks {

    private FloatBlocks() {}

    /** n values k x delta, k = 0 six times in ten, else round(gaussian x spread): a coarse model's long repeats. */
    static byte[] quantized(Random random, int n, float delta, double spread) {
        ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            int k = random.nextInt(10) < 6 ? 0 : (int) Math.round(random.nextGaussian() * spread);
            buf.putFloat(k * delta);
        }
        return buf.array();
    }

    /** n gaussian values of standard deviation sd: a dense model's random low mantissa bytes. */
    static byte[] dense(Random random, int n, double sd) {
        ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            buf.putFloat((float) (random.nextGaussian() * sd));
        }
        return buf.array();
    }
}

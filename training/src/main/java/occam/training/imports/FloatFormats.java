package occam.training.imports;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Element types a checkpoint may store floats in, converted to float32 (the archive's only type). */
enum FloatFormats {
    FLOAT32("float32", 4),
    FLOAT16("float16", 2),
    BFLOAT16("bfloat16", 2),
    FLOAT64("float64", 8);

    final String id;
    final int bytes;

    FloatFormats(String id, int bytes) {
        this.id = id;
        this.bytes = bytes;
    }

    /**
     * {@code count} values from {@code buf} (read in its byte order from its position). float64 is rounded to
     * the nearest float32; float16 and bfloat16 are exact in float32.
     */
    float[] read(ByteBuffer buf, int count) {
        float[] out = new float[count];
        switch (this) {
            case FLOAT32 -> buf.asFloatBuffer().get(out);
            case FLOAT64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (float) buf.getDouble(buf.position() + 8 * i);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(buf.getShort(buf.position() + 2 * i));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort(buf.position() + 2 * i) & 0xffff) << 16);
                }
            }
        }
        return out;
    }

    /** Reads from a little-endian view of {@code bytes} at {@code offset}. */
    float[] readLittleEndian(byte[] bytes, long offset, int count) {
        ByteBuffer buf = ByteBuffer.wrap(bytes, Math.toIntExact(offset), count * this.bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
        return read(buf, count);
    }

    /** IEEE 754 binary16 to float32, exactly (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) { // Inf or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa x 2^-24
            float v = mantissa * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
}

package occam.analysis.engine.codec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;

/**
 * The "paper" codec: every stored value as float32 (as the authors' code did), then bzip2 -9. The bytes alone
 * rebuild the exact coarse model ({@link #decode}), so every size reported is the size of a real description.
 *
 * <p>Serialized layout, little-endian (numpy's byte order on x86, which the released code used):
 *
 * <pre>
 * "OCCAMPC1"                      8 ASCII bytes: format and version
 * int32 tensorCount
 * per tensor, in model order:     the header
 *   int32 nameLength, UTF-8 name
 *   int32 dimensions (1 or 2), int32 shape[dimensions]
 *   int32 rank                    -1: stored dense; k >= 0: stored as factors of rank k (matrices only)
 * per tensor, in the same order:  the values, float32
 *   dense:    shape product values, row-major
 *   factored: left [rows, k] row-major, then right [k, cols] row-major (left x right = the matrix)
 * </pre>
 *
 * The header of the paper's 1-layer model is about 700 bytes before compression; values follow contiguously so
 * bzip2 sees one long float32 stream, as it did in the paper.
 */
public final class PaperCodec {

    public static final String NAME = "paper";
    private static final byte[] MAGIC = "OCCAMPC1".getBytes(StandardCharsets.US_ASCII);

    private PaperCodec() {}

    /** bzip2 -9 of {@link #serialize}. */
    public static byte[] encode(CoarseModel model) {
        return Bzip2.compress(serialize(model));
    }

    /** The size {@link #encode} would return, without keeping the bytes. */
    public static long compressedSize(CoarseModel model) {
        return Bzip2.compressedSize(serialize(model));
    }

    /** The coarse model from {@link #encode}'s bytes alone. */
    public static CoarseModel decode(byte[] compressed) {
        return deserialize(Bzip2.decompress(compressed));
    }

    public static byte[] serialize(CoarseModel model) {
        List<byte[]> names = new ArrayList<>();
        long size = MAGIC.length + 4;
        for (CoarseTensor t : model.tensors()) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 4 + name.length + 4 + 4L * t.dimensions() + 4 + 4 * t.storedValues();
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("coarse model of " + size + " serialized bytes is too large for one array");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).putInt(model.tensors().size());
        for (int i = 0; i < model.tensors().size(); i++) {
            CoarseTensor t = model.tensors().get(i);
            buf.putInt(names.get(i).length).put(names.get(i)).putInt(t.dimensions());
            for (int d : t.shape()) {
                buf.putInt(d);
            }
            buf.putInt(t.isFactored() ? t.rank() : -1);
        }
        for (CoarseTensor t : model.tensors()) {
            if (t.isFactored()) {
                putFloats(buf, t.left());
                putFloats(buf, t.right());
            } else {
                putFloats(buf, t.values());
            }
        }
        return buf.array();
    }

    public static CoarseModel deserialize(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[MAGIC.length];
            buf.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a paper-codec model: the first bytes are not \"OCCAMPC1\"");
            }
            int count = nonNegative(buf.getInt(), "tensor count", bytes.length);
            String[] names = new String[count];
            int[][] shapes = new int[count][];
            int[] ranks = new int[count];
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[nonNegative(buf.getInt(), "name length of tensor " + i, bytes.length)];
                buf.get(name);
                names[i] = new String(name, StandardCharsets.UTF_8);
                int dims = buf.getInt();
                if (dims != 1 && dims != 2) {
                    throw new IllegalArgumentException("tensor '" + names[i] + "': " + dims + " dimensions, expected 1 or 2");
                }
                shapes[i] = new int[dims];
                for (int d = 0; d < dims; d++) {
                    shapes[i][d] = buf.getInt();
                }
                ranks[i] = buf.getInt();
                if (ranks[i] >= 0 && dims != 2) {
                    throw new IllegalArgumentException("tensor '" + names[i] + "': a vector cannot be factored (rank " + ranks[i] + ")");
                }
            }
            List<CoarseTensor> tensors = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int[] s = shapes[i];
                if (ranks[i] < 0) {
                    long n = s.length == 2 ? (long) s[0] * s[1] : s[0];
                    tensors.add(CoarseTensor.dense(names[i], s, getFloats(buf, n, names[i])));
                } else {
                    int k = ranks[i];
                    float[] left = getFloats(buf, (long) s[0] * k, names[i]);
                    float[] right = getFloats(buf, (long) k * s[1], names[i]);
                    tensors.add(CoarseTensor.factored(names[i], s[0], s[1], k, left, right));
                }
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("paper-codec model has " + buf.remaining() + " bytes after its last tensor");
            }
            return new CoarseModel(tensors);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("paper-codec model truncated at byte " + buf.position() + " of " + bytes.length, e);
        }
    }

    private static void putFloats(ByteBuffer buf, float[] values) {
        buf.asFloatBuffer().put(values);
        buf.position(buf.position() + 4 * values.length);
    }

    private static float[] getFloats(ByteBuffer buf, long n, String name) {
        if (n < 0 || 4 * n > buf.remaining()) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + n + " float32 values, only " + buf.remaining() / 4
                    + " remain");
        }
        float[] out = new float[(int) n];
        buf.asFloatBuffer().get(out);
        buf.position(buf.position() + 4 * out.length);
        return out;
    }

    private static int nonNegative(int value, String what, int available) {
        if (value < 0 || value > available) {
            throw new IllegalArgumentException(what + " (" + value + ") is not in [0, " + available + "]");
        }
        return value;
    }
}

package occam.analysis.engine.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;

/**
 * The integer codec: a coarse model as the quantization indices round(x / step) of every stored stream (a dense
 * tensor, or each factor of a factored matrix), coded by an adaptive range coder with per-line scale contexts
 * ({@link IntegerModel2}, {@link RangeEncoder}), behind a header that holds everything else the decoder
 * needs. The message is self-delimiting and {@link #decode} rebuilds the model bit for bit: a value is
 * (float) (index x step) + 0.0f, exactly as Q(x, step) stored it. Byte layout (docs/codecs.md has the details):
 *
 * <pre>
 * "OCI2"                            4 ASCII bytes: format and version ("OCI1": the earlier one, still decoded)
 * varint S, then S x float64 LE     the distinct step sizes, in order of first use
 * varint T                          tensor count
 * per tensor, in model order:
 *   varint shared, varint n, n bytes  name: the first `shared` UTF-8 bytes of the previous name, then n more
 *   varint dimensions (1 or 2), varint shape[dimensions]
 *   varint form                     0: dense; k + 1: factors of rank k (matrices only)
 *   per stream (dense: 1; factored: left, then right):
 *     varint step index             into the step table; a step 0 stores raw float32
 *     zigzag varint offset          (only when the step is not 0) subtracted from every index before coding
 * payload, to the end:              the range-coded streams, in header order
 * </pre>
 *
 * A stream is coded line by line: a dense vector is one line; a dense matrix [m, n] is m lines of n (row-major);
 * a left factor [m, k] is k lines of m (one per singular triplet: its transpose); a right factor [k, n] is k lines
 * of n. Varints are unsigned LEB128 (7 bits a byte, low first); zigzag maps 0, -1, 1, -2 ... to 0, 1, 2, 3 ...
 */
public final class IntegerCodec {

    public static final String NAME = "integer";
    /** The format the encoder writes. */
    private static final byte[] MAGIC = "OCI2".getBytes(StandardCharsets.US_ASCII);
    /** The earlier format: the same header, its payload coded bit by bit ({@link IntegerModel}); still decoded. */
    private static final byte[] MAGIC_1 = "OCI1".getBytes(StandardCharsets.US_ASCII);

    private IntegerCodec() {}

    /** The whole message for {@code model}, whose streams were quantized with {@code steps}. */
    public static byte[] encode(CoarseModel model, StepSizes steps) {
        Plan plan = Plan.of(model, steps);
        RangeEncoder payload = RangeEncoder.toBytes((int) Math.min(Integer.MAX_VALUE - 64, model.storedValues() / 2));
        code(plan, payload);
        byte[] coded = payload.toByteArray();
        byte[] out = Arrays.copyOf(plan.header, plan.header.length + coded.length);
        System.arraycopy(coded, 0, out, plan.header.length, coded.length);
        return out;
    }

    /** {@code encode(model, steps).length}, keeping only the header (the payload's bytes are counted). */
    public static long size(CoarseModel model, StepSizes steps) {
        Plan plan = Plan.of(model, steps);
        RangeEncoder payload = RangeEncoder.counting();
        code(plan, payload);
        return plan.header.length + payload.size();
    }

    /** {@code encode(model, StepSizes.uniform(delta))}. */
    public static byte[] encode(CoarseModel model, double delta) {
        return encode(model, StepSizes.uniform(delta));
    }

    /** {@code size(model, StepSizes.uniform(delta))}. */
    public static long size(CoarseModel model, double delta) {
        return size(model, StepSizes.uniform(delta));
    }

    /**
     * Where the bytes go, for reports: [header, stream 1, stream 2, ...] in stream order, summing to the message's
     * length. A stream's share is the bytes its coding added to the message (a byte per normalization of the range
     * coder; the 4 bytes of the final flush count with the last stream).
     */
    public static long[] sizes(CoarseModel model, StepSizes steps) {
        Plan plan = Plan.of(model, steps);
        long[] out = code(plan, RangeEncoder.counting());
        out[0] = plan.header.length;
        return out;
    }

    /** The coarse model from the bytes of {@link #encode} alone (or of the earlier format, OCI1). */
    public static CoarseModel decode(byte[] message) {
        Reader r = new Reader(message);
        byte[] magic = Arrays.copyOf(message, Math.min(message.length, MAGIC.length));
        boolean earlier = Arrays.equals(magic, MAGIC_1);
        if (!earlier && !Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not an integer-codec model: the first bytes are not \"OCI2\" (or the earlier \"OCI1\")");
        }
        r.pos = MAGIC.length;
        int stepCount = r.count("step count", 8);
        double[] stepTable = new double[stepCount];
        for (int i = 0; i < stepCount; i++) {
            stepTable[i] = r.float64();
            if (!(stepTable[i] >= 0) || Double.isInfinite(stepTable[i])) {
                throw new IllegalArgumentException("integer-codec step " + i + " is " + stepTable[i] + ", expected finite and >= 0");
            }
        }
        int tensorCount = r.count("tensor count", 4);
        List<Stream> streams = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> ranks = new ArrayList<>();
        byte[] previous = new byte[0];
        for (int i = 0; i < tensorCount; i++) {
            int shared = r.varint("name prefix of tensor " + i);
            if (shared > previous.length) {
                throw new IllegalArgumentException("tensor " + i + " shares " + shared + " name bytes with a name of " + previous.length);
            }
            int suffix = r.count("name length of tensor " + i, 1);
            byte[] nameBytes = Arrays.copyOf(previous, shared + suffix);
            r.bytes(nameBytes, shared, suffix);
            previous = nameBytes;
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            int dims = r.varint("dimensions of tensor '" + name + "'");
            if (dims != 1 && dims != 2) {
                throw new IllegalArgumentException("tensor '" + name + "': " + dims + " dimensions, expected 1 or 2");
            }
            int[] shape = new int[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = r.varint("shape of tensor '" + name + "'");
                if (shape[d] <= 0) {
                    throw new IllegalArgumentException("tensor '" + name + "': dimension " + d + " is " + shape[d]);
                }
            }
            int form = r.varint("form of tensor '" + name + "'");
            int rank = form - 1;
            if (rank >= 0 && (dims != 2 || rank > Math.min(shape[0], shape[1]))) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " cannot have rank " + rank);
            }
            long elements = dims == 2 ? (long) shape[0] * shape[1] : shape[0];
            if (elements > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " is too large");
            }
            names.add(name);
            shapes.add(shape);
            ranks.add(rank);
            int streamCount = rank < 0 ? 1 : 2;
            for (int s = 0; s < streamCount; s++) {
                int index = r.varint("step index of tensor '" + name + "'");
                if (index >= stepCount) {
                    throw new IllegalArgumentException("tensor '" + name + "': step index " + index + ", the table has " + stepCount);
                }
                double step = stepTable[index];
                int offset = step == 0 ? 0 : r.zigzag("offset of tensor '" + name + "'");
                streams.add(Stream.of(name, shape, rank, s, null, step, index).withOffset(offset));
            }
        }
        RangeDecoder in = new RangeDecoder(message, r.pos, message.length);
        Values values;
        if (earlier) {
            IntegerModel.Decoding model = new IntegerModel.Decoding(in);
            values = model::stream;
        } else {
            IntegerModel2 model = new IntegerModel2();
            values = (codes, length, lineLength) -> model.decode(in, codes, length, lineLength);
        }
        List<CoarseTensor> tensors = new ArrayList<>(tensorCount);
        int next = 0;
        for (int i = 0; i < tensorCount; i++) {
            int[] shape = shapes.get(i);
            int rank = ranks.get(i);
            if (rank < 0) {
                tensors.add(CoarseTensor.dense(names.get(i), shape, streams.get(next++).decode(in, values)));
            } else {
                float[] left = streams.get(next++).decode(in, values);
                float[] right = streams.get(next++).decode(in, values);
                tensors.add(CoarseTensor.factored(names.get(i), shape[0], shape[1], rank, left, right));
            }
        }
        if (in.position() != message.length) {
            throw new IllegalArgumentException("integer-codec model has " + (message.length - in.position()) + " bytes after its last value");
        }
        return new CoarseModel(tensors);
    }

    /** A format's decoder of a quantized stream's integers, in coding order. */
    private interface Values {
        void decode(int[] codes, int length, int lineLength);
    }

    /** Codes every stream of the plan and flushes; returns the bytes each stream took, from index 1 (see sizes). */
    private static long[] code(Plan plan, RangeEncoder out) {
        IntegerModel2 model = new IntegerModel2();
        int[] line = new int[plan.longestLine];
        long[] sizes = new long[plan.streams.size() + 1];
        long before = 0;
        for (int i = 0; i < plan.streams.size(); i++) {
            Stream s = plan.streams.get(i);
            long previousLine16 = -1;
            for (int j = 0; j < s.lines(); j++) {
                s.codes(j, line);
                if (s.step == 0) {
                    for (int col = 0; col < s.lineLength; col++) {
                        out.encodeDirect(line[col], 32);
                    }
                } else {
                    previousLine16 = model.encodeLine(out, line, s.lineLength, previousLine16);
                }
            }
            sizes[i + 1] = out.size() - before;
            before = out.size();
        }
        out.finish();
        sizes[sizes.length - 1] += out.size() - before;
        return sizes;
    }

    /** The header, written, and the streams to code after it. */
    private record Plan(byte[] header, List<Stream> streams, int longestLine) {

        static Plan of(CoarseModel model, StepSizes steps) {
            Writer w = new Writer();
            w.bytes(MAGIC);
            List<Stream> streams = new ArrayList<>();
            List<Double> table = new ArrayList<>();
            int longestLine = 0;
            for (CoarseTensor t : model.tensors()) {
                int count = t.isFactored() ? 2 : 1;
                for (int s = 0; s < count; s++) {
                    double step = steps.step(t, s);
                    int index = indexOf(table, step);
                    if (index < 0) {
                        index = table.size();
                        table.add(step);
                    }
                    float[] values = t.isFactored() ? (s == 0 ? t.left() : t.right()) : t.values();
                    Stream stream = Stream.of(t.name(), t.shape(), t.isFactored() ? t.rank() : -1, s, values, step, index);
                    streams.add(stream.withOffset(stream.meanIndex()));
                    longestLine = Math.max(longestLine, stream.lineLength);
                }
            }
            w.varint(table.size());
            for (double step : table) {
                w.float64(step);
            }
            w.varint(model.tensors().size());
            byte[] previous = new byte[0];
            int next = 0;
            for (CoarseTensor t : model.tensors()) {
                byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
                int shared = 0;
                while (shared < name.length && shared < previous.length && name[shared] == previous[shared]) {
                    shared++;
                }
                w.varint(shared);
                w.varint(name.length - shared);
                w.bytes(Arrays.copyOfRange(name, shared, name.length));
                previous = name;
                w.varint(t.dimensions());
                for (int d : t.shape()) {
                    w.varint(d);
                }
                w.varint(t.isFactored() ? t.rank() + 1 : 0);
                int count = t.isFactored() ? 2 : 1;
                for (int s = 0; s < count; s++) {
                    Stream stream = streams.get(next++);
                    w.varint(stream.stepIndex);
                    if (stream.step != 0) {
                        w.zigzag(stream.offset);
                    }
                }
            }
            return new Plan(w.toByteArray(), streams, longestLine);
        }

        private static int indexOf(List<Double> table, double step) {
            for (int i = 0; i < table.size(); i++) {
                if (Double.doubleToLongBits(table.get(i)) == Double.doubleToLongBits(step)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * One stream: the values of a dense tensor ({@code part} -1), or of its left (0) or right (1) factor; {@code
     * values} is null when decoding. It is coded as lines of {@code lineLength}: the value at position col of line
     * j is values[j lineStride + col stride] (a left factor [m, k] is read column by column: stride k, lineStride
     * 1). A quantized stream codes each index minus {@code offset}; a raw one (step 0) the float32 bits.
     */
    private record Stream(String tensor, int part, float[] values, int length, int lineLength, int stride, int lineStride,
            double step, int stepIndex, int offset) {

        /** Stream {@code part} (0 for a dense tensor) of a tensor of {@code shape}, factored when rank >= 0. */
        static Stream of(String tensor, int[] shape, int rank, int part, float[] values, double step, int stepIndex) {
            if (rank < 0) {
                int lineLength = shape[shape.length - 1];
                int length = shape.length == 2 ? shape[0] * lineLength : lineLength;
                return new Stream(tensor, -1, values, length, lineLength, 1, lineLength, step, stepIndex, 0);
            }
            return part == 0 ? new Stream(tensor, 0, values, shape[0] * rank, shape[0], rank, 1, step, stepIndex, 0)
                    : new Stream(tensor, 1, values, rank * shape[1], shape[1], 1, shape[1], step, stepIndex, 0);
        }

        Stream withOffset(int offset) {
            return new Stream(tensor, part, values, length, lineLength, stride, lineStride, step, stepIndex, offset);
        }

        int lines() {
            return length / lineLength;
        }

        String what() {
            return "tensor '" + tensor + "'" + (part < 0 ? "" : part == 0 ? " left factor" : " right factor");
        }

        /**
         * The encoder's offset: the mean of the indices round(x / step), rounded (any offset decodes; the mean
         * keeps a LayerNorm gain near 1 small). A value that is not a quantized multiple fails in {@link #codes}.
         */
        int meanIndex() {
            if (step == 0 || length == 0) {
                return 0;
            }
            double inverse = 1 / step;
            long sum = 0;
            for (float x : values) {
                sum += (long) Math.rint(x * inverse);
            }
            return (int) Math.rint((double) sum / length);
        }

        /** Line j's codes into {@code into}: each index minus the offset, or the raw float32 bits when the step is 0. */
        void codes(int j, int[] into) {
            if (step == 0) {
                for (int col = 0; col < lineLength; col++) {
                    into[col] = Float.floatToRawIntBits(values[j * lineStride + col * stride]);
                }
                return;
            }
            double inverse = 1 / step;
            for (int col = 0; col < lineLength; col++) {
                int flat = j * lineStride + col * stride;
                into[col] = index(values[flat], inverse, flat) - offset;
            }
        }

        /** round(x / step), checked to give back x exactly (so x / step may be taken as x times 1 / step). */
        private int index(float x, double inverse, int flat) {
            double q = Math.rint(x * inverse);
            if (!(Math.abs(q) <= IntegerModel.MAX_MAGNITUDE / 2) || Float.floatToRawIntBits((float) (q * step) + 0.0f) != Float
                    .floatToRawIntBits(x)) {
                throw new IllegalArgumentException(what() + ": value " + x + " at flat index " + flat + " is not a quantized multiple"
                        + " of step " + step + (Math.abs(q) > IntegerModel.MAX_MAGNITUDE / 2 ? " small enough to index" : ""));
            }
            return (int) q;
        }

        /** The stream's values from the payload; {@code coded} decodes a quantized stream's codes. */
        float[] decode(RangeDecoder in, Values coded) {
            int[] codes = new int[length];
            if (step == 0) {
                for (int t = 0; t < length; t++) {
                    codes[t] = in.decodeDirect(32);
                }
            } else {
                coded.decode(codes, length, lineLength);
            }
            float[] out = new float[length];
            for (int j = 0; j < lines(); j++) {
                for (int col = 0; col < lineLength; col++) {
                    int code = codes[j * lineLength + col];
                    out[j * lineStride + col * stride] = step == 0 ? Float.intBitsToFloat(code)
                            : (float) ((double) (code + offset) * step) + 0.0f;
                }
            }
            return out;
        }
    }

    /** A growing byte array with the header's encodings. */
    private static final class Writer {
        private byte[] buf = new byte[256];
        private int size;

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void zigzag(int v) {
            varint(((long) v << 1) ^ ((long) v >> 63));
        }

        void float64(double v) {
            ensure(8);
            long bits = Double.doubleToRawLongBits(v);
            for (int i = 0; i < 8; i++) {
                buf[size++] = (byte) (bits >>> (8 * i));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(2 * buf.length, size + n));
            }
        }
    }

    /** Reads the header, naming what is missing when the message ends early. */
    private static final class Reader {
        private final byte[] in;
        int pos;

        Reader(byte[] in) {
            this.in = in;
        }

        int varint(String what) {
            long v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = next(what);
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (v > Integer.MAX_VALUE) {
                        break;
                    }
                    return (int) v;
                }
            }
            throw new IllegalArgumentException("integer-codec header: " + what + " at byte " + pos + " is not a varint below 2^31");
        }

        /** A count that the rest of the message, at {@code minBytes} each, can hold. */
        int count(String what, int minBytes) {
            int n = varint(what);
            if ((long) n * minBytes > in.length - pos) {
                throw new IllegalArgumentException("integer-codec header: " + what + " " + n + " does not fit the " + (in.length - pos)
                        + " bytes left");
            }
            return n;
        }

        int zigzag(String what) {
            int z = varint(what);
            return (z >>> 1) ^ -(z & 1);
        }

        double float64() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (long) next("step size") << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        void bytes(byte[] into, int offset, int n) {
            if (n > in.length - pos) {
                throw new IllegalArgumentException("integer-codec header truncated in a name at byte " + pos);
            }
            System.arraycopy(in, pos, into, offset, n);
            pos += n;
        }

        private int next(String what) {
            if (pos >= in.length) {
                throw new IllegalArgumentException("integer-codec header truncated at byte " + pos + " (reading " + what + ")");
            }
            return in[pos++] & 0xFF;
        }
    }
}

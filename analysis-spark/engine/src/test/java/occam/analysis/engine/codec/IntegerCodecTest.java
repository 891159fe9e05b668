package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import occam.analysis.engine.TestModels;
import occam.analysis.engine.coarse.CoarseGrainer;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.analysis.engine.quant.Quantizer;
import occam.schemas.ModelSpec;
import org.junit.jupiter.api.Test;

class IntegerCodecTest {

    @Test
    void aTinyMessageByHand() {
        // one vector "b" = (0, 0) at Delta 0.5. Header (22 bytes): "OCI2"; 1 step: 0.5 as float64 LE
        // (00 00 00 00 00 00 E0 3F); 1 tensor; name: 0 shared, 1 byte 'b'; 1 dimension of 2; form 0 (dense);
        // step index 0; offset 0. Payload: symbol 0 in context 0, then in context 1 (scale estimate 0), each
        // [0, 1) of 13 with no direct bit: low stays 0, so the flush gives 00 00 00 00.
        CoarseModel m = new CoarseModel(List.of(CoarseTensor.dense("b", new int[] {2}, new float[] {0, 0})));
        byte[] expected = {'O', 'C', 'I', '2', 1, 0, 0, 0, 0, 0, 0, (byte) 0xE0, 0x3F, 1, 0, 1, 'b', 1, 2, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(expected, IntegerCodec.encode(m, 0.5));
        assertEquals(26, IntegerCodec.size(m, 0.5));
        assertEquals(m, IntegerCodec.decode(expected));
    }

    @Test
    void headerByHandWithFactorsSharedNamePrefixesAndOffsets() {
        // "layer.b" (3.0, 3.5, 4.0) at step 0.5 -> indices 6, 7, 8, offset 7 (their mean);
        // "layer.w" [2, 3] rank 1 at steps 0.25 (left) and 0 (right: raw float32).
        CoarseModel m = new CoarseModel(List.of(
                CoarseTensor.dense("layer.b", new int[] {3}, new float[] {3, 3.5f, 4}),
                CoarseTensor.factored("layer.w", 2, 3, 1, new float[] {0.5f, -0.25f}, new float[] {0.1f, 0.2f, 0.3f})));
        StepSizes steps = StepSizes.uniform(0.5).with("layer.w", 0.25, 0);
        byte[] message = IntegerCodec.encode(m, steps);
        byte[] header = {'O', 'C', 'I', '2', 3,
            0, 0, 0, 0, 0, 0, (byte) 0xE0, 0x3F, // 0.5
            0, 0, 0, 0, 0, 0, (byte) 0xD0, 0x3F, // 0.25
            0, 0, 0, 0, 0, 0, 0, 0, // 0
            2,
            0, 7, 'l', 'a', 'y', 'e', 'r', '.', 'b', 1, 3, 0, 0, 14, // offset 7, zigzag 14
            6, 1, 'w', 2, 2, 3, 2, 1, 0, 2}; // 6 bytes shared; rank 1 -> form 2; left: step 1, offset 0; right: step 2, raw
        assertArrayEquals(header, java.util.Arrays.copyOf(message, header.length));
        assertEquals(m, IntegerCodec.decode(message));
        assertEquals(message.length, IntegerCodec.size(m, steps));
        long[] sizes = IntegerCodec.sizes(m, steps);
        assertEquals(header.length, sizes[0]);
        assertEquals(message.length, java.util.Arrays.stream(sizes).sum());
        // the raw stream alone is 3 x 32 bits at probability 1/2
        assertTrue(message.length >= header.length + 12, "" + message.length);
    }

    @Test
    void paperSizeModelsRoundTripBitForBit() {
        for (int layers : new int[] {1, 2}) {
            ModelSpec spec = ModelSpec.paper(113, layers);
            CoarseModel original = CoarseModel.of(spec, TestModels.structured(spec, "r", 100, 40 + layers));
            CoarseGrainer grainer = CoarseGrainer.of(spec, original);
            for (double[] point : new double[][] {{1, 0.01}, {0.9, 0.03}, {0.6, 0.1}, {0.95, 0.003}, {0.3, 1.5}, {1, 0}, {0.8, 0}}) {
                CoarseModel m = grainer.build(point[0], point[1]);
                assertRoundTrip(m, StepSizes.uniform(point[1]), layers + " layer(s) at " + java.util.Arrays.toString(point));
            }
        }
    }

    @Test
    void perStreamStepSizesRoundTrip() {
        ModelSpec spec = ModelSpec.paper(113, 1);
        CoarseModel original = CoarseModel.of(spec, TestModels.structured(spec, "r", 100, 7));
        CoarseModel factored = CoarseGrainer.of(spec, original).build(0.9, 0);
        List<CoarseTensor> tensors = new ArrayList<>();
        StepSizes steps = StepSizes.uniform(0.02);
        int i = 0;
        for (CoarseTensor t : factored.tensors()) {
            double a = 0.005 * (1 + i % 5);
            double b = 0.01 * (1 + i % 3);
            if (t.isFactored()) {
                tensors.add(CoarseTensor.factored(t.name(), t.rows(), t.cols(), t.rank(), Quantizer.quantize(t.left(), a),
                        Quantizer.quantize(t.right(), b)));
                steps = steps.with(t.name(), a, b);
            } else if (i % 4 == 0) {
                tensors.add(CoarseTensor.dense(t.name(), t.shape(), Quantizer.quantize(t.values(), a)));
                steps = steps.with(t.name(), a, 0);
            } else {
                tensors.add(CoarseTensor.dense(t.name(), t.shape(), Quantizer.quantize(t.values(), 0.02)));
            }
            i++;
        }
        assertRoundTrip(new CoarseModel(tensors), steps, "per-stream steps");
    }

    @Test
    void aTrainedLikeTeacherModelIsSmallerThanThePaperCodec() {
        ModelSpec spec = ModelSpec.paper(113, 1);
        TestModels.Teacher teacher = TestModels.teacher(spec, "t", 10, 3, 20f, TestModels.addition(23, true));
        CoarseModel m = CoarseGrainer.of(spec, CoarseModel.of(spec, teacher.checkpoint())).build(0.9, 0.02);
        long ours = IntegerCodec.size(m, 0.02);
        long paper = PaperCodec.compressedSize(m);
        assertTrue(ours < paper, "integer " + ours + " bytes, paper " + paper);
    }

    @Test
    void badInputSaysWhatIsWrong() {
        CoarseModel m = new CoarseModel(List.of(CoarseTensor.dense("x", new int[] {3}, new float[] {0.5f, 0.3f, 1})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IntegerCodec.encode(m, 0.5));
        assertTrue(e.getMessage().contains("tensor 'x'") && e.getMessage().contains("flat index 1"), e.getMessage());

        CoarseModel ok = new CoarseModel(List.of(CoarseTensor.dense("x", new int[] {3}, new float[] {0.5f, -1, 1})));
        byte[] message = IntegerCodec.encode(ok, 0.5);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IntegerCodec.decode(java.util.Arrays.copyOf(message, message.length - 1)))
                .getMessage().contains("truncated"));
        byte[] longer = java.util.Arrays.copyOf(message, message.length + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IntegerCodec.decode(longer)).getMessage().contains("after its last"));
        byte[] wrongMagic = message.clone();
        wrongMagic[3] = '3';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IntegerCodec.decode(wrongMagic)).getMessage().contains("OCI2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IntegerCodec.decode(java.util.Arrays.copyOf(message, 9)))
                .getMessage().contains("step count"));
    }

    @Test
    void everyDamagedMessageSaysSo() {
        // each shorter prefix, one byte more, and each byte changed: a clear IllegalArgumentException, or (a changed
        // payload byte can still decode) a model; never another exception
        byte[] message = IntegerCodec.encode(fixtureModel(), FIXTURE_STEPS);
        for (int n = 0; n < message.length; n++) {
            byte[] prefix = java.util.Arrays.copyOf(message, n);
            assertThrows(IllegalArgumentException.class, () -> IntegerCodec.decode(prefix), "prefix of " + n + " bytes");
        }
        assertThrows(IllegalArgumentException.class, () -> IntegerCodec.decode(java.util.Arrays.copyOf(message, message.length + 1)));
        for (int i = 0; i < message.length; i++) {
            byte[] changed = message.clone();
            changed[i] ^= (byte) (1 + i % 255);
            try {
                IntegerCodec.decode(changed);
            } catch (IllegalArgumentException expected) {
                // the decoder names what it found
            }
        }
    }

    @Test
    void theEarlierFormatStillDecodesBitForBit() throws java.io.IOException {
        // written by the OCI1 encoder (commit 0570569) from fixtureModel() and FIXTURE_STEPS; tables written then
        // hold such messages
        byte[] oci1;
        try (java.io.InputStream in = IntegerCodecTest.class.getResourceAsStream("oci1-fixture.bin")) {
            oci1 = in.readAllBytes();
        }
        assertEquals("OCI1", new String(oci1, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(339, oci1.length);
        CoarseModel expected = fixtureModel();
        assertBitForBit(expected, IntegerCodec.decode(oci1), "OCI1 fixture");
        // the same model in OCI2: the same header after the magic, and it decodes the same
        byte[] oci2 = IntegerCodec.encode(expected, FIXTURE_STEPS);
        int header = oci2.length - (int) java.util.Arrays.stream(IntegerCodec.sizes(expected, FIXTURE_STEPS)).skip(1).sum();
        assertArrayEquals(java.util.Arrays.copyOfRange(oci1, 4, header), java.util.Arrays.copyOfRange(oci2, 4, header));
        assertRoundTrip(expected, FIXTURE_STEPS, "fixture model in OCI2");
    }

    /** A model with a raw stream, per-stream steps, shared name prefixes, offsets and magnitudes up to 2^23. */
    static final StepSizes FIXTURE_STEPS = StepSizes.uniform(0.05).with("layer.w", 0.01, 0.002).with("layer.g", 0, 0);

    static CoarseModel fixtureModel() {
        Random random = new Random(2026);
        return new CoarseModel(List.of(
                CoarseTensor.dense("embed", new int[] {6, 8}, quantized(random, 48, 0.05, 3)),
                CoarseTensor.dense("layer.b", new int[] {16}, quantized(random, 16, 0.05, 40)),
                CoarseTensor.dense("layer.g", new int[] {5}, new float[] {1, -0.5f, 3.25e-3f, Float.MIN_VALUE, -0f}),
                CoarseTensor.factored("layer.w", 12, 10, 3, quantized(random, 36, 0.01, 300), quantized(random, 30, 0.002, 1 << 17))));
    }

    /** n multiples of step whose indices spread over magnitudes up to about scale (a few up to 64 times it). */
    static float[] quantized(Random random, int n, double step, int scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            long q = Math.round(random.nextGaussian() * scale * (i % 7 == 3 ? 64 : 1)) + (i % 5 == 0 ? 0 : 2);
            out[i] = (float) ((double) q * step) + 0.0f;
        }
        return out;
    }

    @Test
    void bothCodecsBehindOneInterface() {
        ModelSpec spec = ModelSpec.paper(113, 1);
        CoarseModel m = CoarseGrainer.of(spec, CoarseModel.of(spec, TestModels.structured(spec, "r", 1, 9))).build(0.8, 0.05);
        StepSizes steps = StepSizes.uniform(0.05);
        for (Codec codec : new Codec[] {Codec.PAPER, Codec.INTEGER}) {
            byte[] message = codec.encode(m, steps);
            assertEquals(message.length, codec.size(m, steps), codec.name());
            assertEquals(m, codec.decode(message), codec.name());
        }
        assertEquals(List.of("paper", "integer"), List.of(Codec.PAPER.name(), Codec.INTEGER.name()));
    }

    private static void assertRoundTrip(CoarseModel m, StepSizes steps, String what) {
        byte[] message = IntegerCodec.encode(m, steps);
        assertEquals(message.length, IntegerCodec.size(m, steps), what);
        assertBitForBit(m, IntegerCodec.decode(message), what);
    }

    private static void assertBitForBit(CoarseModel m, CoarseModel back, String what) {
        assertEquals(m, back, what);
        for (int t = 0; t < m.tensors().size(); t++) {
            CoarseTensor a = m.tensors().get(t);
            CoarseTensor b = back.tensors().get(t);
            float[][] pa = a.isFactored() ? new float[][] {a.left(), a.right()} : new float[][] {a.values()};
            float[][] pb = b.isFactored() ? new float[][] {b.left(), b.right()} : new float[][] {b.values()};
            for (int s = 0; s < pa.length; s++) {
                for (int k = 0; k < pa[s].length; k++) {
                    if (Float.floatToRawIntBits(pa[s][k]) != Float.floatToRawIntBits(pb[s][k])) {
                        throw new AssertionError(what + ": " + a.name() + " stream " + s + " value " + k + " differs");
                    }
                }
            }
        }
    }
}

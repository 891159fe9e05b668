package occam.analysis.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import occam.analysis.engine.model.CoarseModel;
import occam.analysis.engine.model.CoarseTensor;
import occam.analysis.engine.quant.Quantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperCodecTest {

    @TempDir
    Path tmp;

    @Test
    void layoutOfATinyModelByHand() {
        // "OCCAMPC1", count 2; header of "b" [2] dense; header of "w" [2, 3] rank 1; then the values:
        // b = (1, -2); left = (0.5, 0.25); right = (1, 2, 3).
        CoarseModel m = new CoarseModel(List.of(
                CoarseTensor.dense("b", new int[] {2}, new float[] {1, -2}),
                CoarseTensor.factored("w", 2, 3, 1, new float[] {0.5f, 0.25f}, new float[] {1, 2, 3})));
        ByteBuffer expected = ByteBuffer.allocate(8 + 4 + (4 + 1 + 4 + 4 + 4) + (4 + 1 + 4 + 8 + 4) + 4 * 7).order(ByteOrder.LITTLE_ENDIAN);
        expected.put("OCCAMPC1".getBytes()).putInt(2);
        expected.putInt(1).put((byte) 'b').putInt(1).putInt(2).putInt(-1);
        expected.putInt(1).put((byte) 'w').putInt(2).putInt(2).putInt(3).putInt(1);
        for (float v : new float[] {1, -2, 0.5f, 0.25f, 1, 2, 3}) {
            expected.putFloat(v);
        }
        byte[] bytes = PaperCodec.serialize(m);
        assertArrayEquals(expected.array(), bytes);
        assertEquals(m, PaperCodec.deserialize(bytes));
    }

    @Test
    void decodesToTheExactModel() {
        CoarseModel m = randomModel(17, 0.01);
        byte[] encoded = PaperCodec.encode(m);
        assertEquals(encoded.length, PaperCodec.compressedSize(m));
        CoarseModel back = PaperCodec.decode(encoded);
        assertEquals(m, back);
        assertEquals(m.ranksKept(), back.ranksKept());
    }

    @Test
    void sizesMatchTheBzip2CommandLine() throws Exception {
        Path cli = Path.of("/usr/bin/bzip2");
        assumeTrue(Files.isExecutable(cli), "the bzip2 command line is not installed");
        for (double delta : new double[] {0, 1e-3, 0.05}) {
            byte[] raw = PaperCodec.serialize(randomModel(23, delta));
            Path in = tmp.resolve("model-" + delta + ".bin");
            Files.write(in, raw);
            Process p = new ProcessBuilder(cli.toString(), "-9", "-k", "-f", in.toString()).redirectErrorStream(true).start();
            assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
            long cliSize = Files.size(Path.of(in + ".bz2"));
            long ours = Bzip2.compressedSize(raw);
            assertTrue(Math.abs(ours - cliSize) <= 0.01 * cliSize, "Delta " + delta + ": ours " + ours + ", bzip2 -9 " + cliSize);
            // and the command line reads ours back
            Path ourFile = tmp.resolve("ours-" + delta + ".bz2");
            Files.write(ourFile, Bzip2.compress(raw));
            Process d = new ProcessBuilder(cli.toString(), "-d", "-c", ourFile.toString()).start();
            byte[] decoded = d.getInputStream().readAllBytes();
            assertEquals(0, d.waitFor());
            assertArrayEquals(raw, decoded);
        }
    }

    @Test
    void corruptInputSaysWhatIsWrong() throws IOException {
        byte[] bytes = PaperCodec.serialize(randomModel(3, 0.1));
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PaperCodec.deserialize(truncated));
        assertTrue(e.getMessage().contains("needs"), e.getMessage());
        byte[] wrong = bytes.clone();
        wrong[0] = 'X';
        e = assertThrows(IllegalArgumentException.class, () -> PaperCodec.deserialize(wrong));
        assertEquals("not a paper-codec model: the first bytes are not \"OCCAMPC1\"", e.getMessage());
    }

    /** A dense matrix, a factored one, a rank-0 one and a vector, quantized with Delta. */
    static CoarseModel randomModel(long seed, double delta) {
        Random r = new Random(seed);
        float[] dense = gaussian(r, 200 * 150);
        float[] left = gaussian(r, 300 * 20);
        float[] right = gaussian(r, 20 * 100);
        float[] bias = gaussian(r, 100);
        return new CoarseModel(List.of(
                CoarseTensor.dense("a.weight", new int[] {200, 150}, Quantizer.quantize(dense, delta)),
                CoarseTensor.factored("b.weight", 300, 100, 20, Quantizer.quantize(left, delta), Quantizer.quantize(right, delta)),
                CoarseTensor.factored("c.weight", 10, 10, 0, new float[0], new float[0]),
                CoarseTensor.dense("b.bias", new int[] {100}, Quantizer.quantize(bias, delta))));
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.1 * r.nextGaussian());
        }
        return v;
    }
}

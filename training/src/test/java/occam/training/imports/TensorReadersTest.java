package occam.training.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers against files written by torch.save and to the safetensors layout, in every float type. */
class TensorReadersTest {

    @TempDir
    Path dir;

    @Test
    void torchSaveGivesTorchsOwnFloat32ValuesForEveryFloatTypeAndStridedViews() throws Exception {
        Map<String, SourceTensor> read = CheckpointFormat.TORCH.read(Fixtures.dir().resolve("dtypes.pt"));
        // dtypes.pt nests the state dict under 'state_dict' beside an 'epoch' entry
        assertEquals(List.of("half", "bf16", "double", "single", "single_transposed"), List.copyOf(read.keySet()));
        assertMatchesExpected(read);
    }

    @Test
    void safetensorsGivesTheSameValues() throws Exception {
        Map<String, SourceTensor> read = CheckpointFormat.SAFETENSORS.read(Fixtures.dir().resolve("dtypes.safetensors"));
        assertEquals(List.of("half", "bf16", "double", "single"), List.copyOf(read.keySet()));
        assertMatchesExpected(read);
    }

    private static void assertMatchesExpected(Map<String, SourceTensor> read) throws Exception {
        JsonNode expected = new ObjectMapper().readTree(Fixtures.dir().resolve("dtypes_expected.json").toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            SourceTensor t = read.get(e.getKey());
            if (t == null) {
                continue; // safetensors has no strided views
            }
            assertEquals(e.getValue().get("dtype").asText(), t.dtype(), e.getKey());
            int[] shape = new ObjectMapper().convertValue(e.getValue().get("shape"), int[].class);
            assertArrayEquals(shape, t.shape(), e.getKey());
            int[] bits = new ObjectMapper().convertValue(e.getValue().get("bits"), int[].class);
            int[] actual = new int[t.values().length];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = Float.floatToRawIntBits(t.values()[i]);
            }
            assertArrayEquals(bits, actual, e.getKey() + ": bit for bit what torch's .float() gives");
        }
    }

    @Test
    void halfPrecisionDecodesSubnormalsInfinitiesAndNaN() {
        assertEquals(0x1p-24f, FloatFormats.halfToFloat((short) 0x0001));
        assertEquals(-2.0f, FloatFormats.halfToFloat((short) 0xc000));
        assertEquals(65504f, FloatFormats.halfToFloat((short) 0x7bff));
        assertEquals(Float.POSITIVE_INFINITY, FloatFormats.halfToFloat((short) 0x7c00));
        assertTrue(Float.isNaN(FloatFormats.halfToFloat((short) 0x7e00)));
    }

    @Test
    void filesThatAreNotCheckpointsAreRejectedByName() throws Exception {
        Path notZip = dir.resolve("epoch_1.pt");
        Files.writeString(notZip, "not a zip");
        ImportException e = assertThrows(ImportException.class, () -> CheckpointFormat.TORCH.read(notZip));
        assertTrue(e.getMessage().startsWith(notZip + ": not a torch.save zip file"), e.getMessage());

        Path badHeader = dir.resolve("x.safetensors");
        Files.write(badHeader, new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{'});
        e = assertThrows(ImportException.class, () -> CheckpointFormat.SAFETENSORS.read(badHeader));
        assertTrue(e.getMessage().startsWith(badHeader + ": not a safetensors file"), e.getMessage());

        Path npzNotZip = dir.resolve("x.npz");
        Files.writeString(npzNotZip, "PK but not really");
        e = assertThrows(ImportException.class, () -> CheckpointFormat.NPZ.read(npzNotZip));
        assertTrue(e.getMessage().startsWith(npzNotZip + ": not a readable zip file"), e.getMessage());

        assertEquals(null, CheckpointFormat.of(Path.of("notes.txt")));
    }
}

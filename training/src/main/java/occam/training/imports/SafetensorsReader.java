package occam.training.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file: 8 bytes little-endian header length, a JSON header (per tensor: dtype, shape and
 * data_offsets into the buffer; an optional {@code __metadata__}), then the raw little-endian buffer.
 */
final class SafetensorsReader {

    private SafetensorsReader() {}

    static Map<String, SourceTensor> read(Path file) {
        byte[] bytes = CheckpointFormat.readAll(file);
        if (bytes.length < 8) {
            throw new ImportException(file + ": not a safetensors file (" + bytes.length + " bytes, no header length)");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > bytes.length - 8) {
            throw new ImportException(file + ": not a safetensors file (header length " + headerLength + " does not fit a "
                    + bytes.length + "-byte file)");
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ImportException(file + ": not a safetensors file (header is not JSON: " + e.getMessage() + ")", e);
        }
        if (header == null || !header.isObject()) {
            throw new ImportException(file + ": not a safetensors file (header is not a JSON object)");
        }
        long bufferStart = 8 + headerLength;
        long bufferLength = bytes.length - bufferStart;
        Map<String, SourceTensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            String where = file + ": tensor '" + name + "'";
            FloatFormats format = dtype(t.path("dtype").asText(), where);
            int[] shape = CheckpointFormat.shape(t.path("shape"), where);
            JsonNode offsets = t.path("data_offsets");
            if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
                throw new ImportException(where + ": data_offsets must be [begin, end]");
            }
            long begin = offsets.get(0).asLong();
            long end = offsets.get(1).asLong();
            int count = CheckpointFormat.elementCount(shape, where);
            if (begin < 0 || end > bufferLength || end - begin != (long) count * format.bytes) {
                throw new ImportException(where + ": data_offsets [" + begin + ", " + end + "] do not hold " + count + " "
                        + format.id + " values inside the " + bufferLength + "-byte buffer");
            }
            out.put(name, new SourceTensor(name, shape, format.id, format.readLittleEndian(bytes, bufferStart + begin, count)));
        }
        return out;
    }

    private static FloatFormats dtype(String dtype, String where) {
        return switch (dtype) {
            case "F32" -> FloatFormats.FLOAT32;
            case "F16" -> FloatFormats.FLOAT16;
            case "BF16" -> FloatFormats.BFLOAT16;
            case "F64" -> FloatFormats.FLOAT64;
            default -> throw new ImportException(where + ": dtype '" + dtype + "' is not a float type (F32, F16, BF16 or F64)");
        };
    }
}

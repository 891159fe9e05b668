package occam.training.imports;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npz} file ({@code numpy.savez} or {@code savez_compressed}): a zip of {@code <key>.npy}
 * arrays. Each {@code .npy} is the magic {@code \x93NUMPY}, a version, a header length, a Python-literal header
 * ({@code descr}, {@code fortran_order}, {@code shape}) and the raw values.
 */
final class NpzReader {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpzReader() {}

    static Map<String, SourceTensor> read(Path file) {
        Map<String, SourceTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : CheckpointFormat.unzip(file).entrySet()) {
            String entryName = e.getKey();
            String name = entryName.endsWith(".npy") ? entryName.substring(0, entryName.length() - 4) : entryName;
            out.put(name, npy(e.getValue(), file + ": array '" + name + "'", name));
        }
        if (out.isEmpty()) {
            throw new ImportException(file + ": not a .npz file (no arrays in it)");
        }
        return out;
    }

    static SourceTensor npy(byte[] b, String where, String name) {
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new ImportException(where + ": not a .npy array (no \\x93NUMPY magic)");
        }
        int major = b[6];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = buf.getInt(8);
            headerStart = 12;
        } else {
            throw new ImportException(where + ": .npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (headerLength < 0 || headerStart + headerLength > b.length) {
            throw new ImportException(where + ": .npy header is truncated");
        }
        String header = new String(b, headerStart, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, where, "descr");
        if (group(FORTRAN, header, where, "fortran_order").equals("True")) {
            throw new ImportException(where + ": stored in Fortran order; save it C-ordered (np.ascontiguousarray)");
        }
        String dims = group(SHAPE, header, where, "shape").trim();
        String[] parts = dims.isEmpty() ? new String[0] : dims.split("\\s*,\\s*");
        int count = 0;
        for (String part : parts) {
            if (!part.isEmpty()) {
                count++;
            }
        }
        int[] shape = new int[count];
        int k = 0;
        for (String part : parts) {
            if (!part.isEmpty()) {
                shape[k++] = Integer.parseInt(part.trim().replace("L", ""));
            }
        }
        FloatFormats format;
        switch (descr.substring(1)) {
            case "f4" -> format = FloatFormats.FLOAT32;
            case "f2" -> format = FloatFormats.FLOAT16;
            case "f8" -> format = FloatFormats.FLOAT64;
            default -> throw new ImportException(where + ": dtype '" + descr + "' is not a float type (float16, float32 or float64)");
        }
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int n = CheckpointFormat.elementCount(shape, where);
        int dataStart = headerStart + headerLength;
        if ((long) n * format.bytes != b.length - dataStart) {
            throw new ImportException(where + ": holds " + (b.length - dataStart) + " bytes of data, shape needs "
                    + (long) n * format.bytes);
        }
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, n * format.bytes).slice().order(order);
        return new SourceTensor(name, shape, format.id, format.read(data, n));
    }

    private static String group(Pattern p, String header, String where, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new ImportException(where + ": .npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }
}

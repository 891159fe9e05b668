package occam.training.imports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** The checkpoint formats {@code occam import} reads, told apart by the file name's extension. */
public enum CheckpointFormat {
    TORCH("PyTorch (torch.save)"),
    SAFETENSORS("safetensors"),
    NPZ("NumPy .npz");

    private final String description;

    CheckpointFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The format of {@code file} by its extension (.pt/.pth, .safetensors, .npz), or null for any other file. */
    public static CheckpointFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pt") || name.endsWith(".pth")) {
            return TORCH;
        }
        if (name.endsWith(".safetensors")) {
            return SAFETENSORS;
        }
        if (name.endsWith(".npz")) {
            return NPZ;
        }
        return null;
    }

    /** Every tensor of the file, in the file's order, converted to float32. */
    public Map<String, SourceTensor> read(Path file) {
        return switch (this) {
            case TORCH -> TorchReader.read(file);
            case SAFETENSORS -> SafetensorsReader.read(file);
            case NPZ -> NpzReader.read(file);
        };
    }

    static byte[] readAll(Path file) {
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 16) {
                throw new ImportException(file + ": larger than 2 GiB, which the importer does not read");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every entry of a zip file, in the zip's order (read through its central directory). */
    static Map<String, byte[]> unzip(Path file) {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            for (var it = zip.entries(); it.hasMoreElements(); ) {
                java.util.zip.ZipEntry entry = it.nextElement();
                if (!entry.isDirectory()) {
                    try (var in = zip.getInputStream(entry)) {
                        entries.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new ImportException(file + ": not a readable zip file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return entries;
    }

    static int[] shape(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new ImportException(where + ": shape is not a list");
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.canConvertToInt() || d.asInt() < 0) {
                throw new ImportException(where + ": shape " + node + " is not a list of sizes");
            }
            shape[i] = d.asInt();
        }
        return shape;
    }

    static int elementCount(int[] shape, String where) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new ImportException(where + ": shape " + Arrays.toString(shape) + " is too large");
            }
        }
        if (n == 0) {
            throw new ImportException(where + ": shape " + Arrays.toString(shape) + " has no elements");
        }
        return (int) n;
    }
}

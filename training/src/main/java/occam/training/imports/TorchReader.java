package occam.training.imports;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDictConstructor;

/**
 * Reads a {@code torch.save} file without Python: a zip holding {@code <name>/data.pkl}, a pickle that rebuilds
 * each tensor with {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} from storages named
 * by persistent ids {@code ('storage', <type>, <key>, <location>, <numel>)}, and the raw storages
 * {@code <name>/data/<key>} (little-endian unless {@code <name>/byteorder} says otherwise).
 *
 * <p>The tensors are those of a state dict: the saved object itself when it is a dict of tensors, otherwise the
 * dict under its {@code model} or {@code state_dict} key (a checkpoint that also holds the optimizer, the epoch,
 * ...). Other entries and non-tensor values are not read. The legacy (pre-1.6, non-zip) format is not supported.
 */
final class TorchReader {

    /** The keys under which larger checkpoints keep the model's state dict, in the order they are tried. */
    static final List<String> NESTED_KEYS = List.of("model", "state_dict");

    private TorchReader() {}

    static Map<String, SourceTensor> read(Path file) {
        Map<String, byte[]> entries = unzip(file);
        String pickleEntry = null;
        for (String name : entries.keySet()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                pickleEntry = name;
            }
        }
        if (pickleEntry == null) {
            throw new ImportException(file + ": not a torch.save file (no <name>/data.pkl in the zip)");
        }
        String prefix = pickleEntry.substring(0, pickleEntry.length() - "data.pkl".length());
        byte[] byteOrder = entries.get(prefix + "byteorder");
        ByteOrder order = byteOrder != null && new String(byteOrder, StandardCharsets.US_ASCII).trim().equals("big")
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

        Object root;
        try {
            root = new TorchUnpickler().load(new ByteArrayInputStream(entries.get(pickleEntry)));
        } catch (IOException | PickleException | ClassCastException | IllegalArgumentException e) {
            throw new ImportException(file + ": cannot unpickle " + pickleEntry + ": " + e.getMessage(), e);
        }
        Map<?, ?> stateDict = stateDict(root, file);
        Map<String, SourceTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : stateDict.entrySet()) {
            if (e.getValue() instanceof TensorRef t) {
                String name = String.valueOf(e.getKey());
                out.put(name, t.materialize(name, entries, prefix, order, file));
            }
        }
        return out;
    }

    private static Map<?, ?> stateDict(Object root, Path file) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new ImportException(file + ": holds a " + describe(root) + ", not a state dict (a dict of tensors)");
        }
        if (top.values().stream().anyMatch(v -> v instanceof TensorRef)) {
            return top;
        }
        for (String key : NESTED_KEYS) {
            if (top.get(key) instanceof Map<?, ?> nested && nested.values().stream().anyMatch(v -> v instanceof TensorRef)) {
                return nested;
            }
        }
        throw new ImportException(file + ": no state dict found: the saved dict has no tensors and no dict of tensors"
                + " under " + NESTED_KEYS + " (its keys: " + top.keySet() + ")");
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static Map<String, byte[]> unzip(Path file) {
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 2) < 2 || magic[0] != 'P' || magic[1] != 'K') {
                throw new ImportException(file + ": not a torch.save zip file (the legacy format of PyTorch < 1.6 is not"
                        + " supported: load and save it again with a newer PyTorch)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return CheckpointFormat.unzip(file);
    }

    // ---- what the pickle rebuilds

    /** A storage class such as {@code torch.FloatStorage}; only float types can become tensors. */
    private record StorageType(String name) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name + " is not called by a state dict's pickle");
        }

        FloatFormats format() {
            return switch (name) {
                case "FloatStorage" -> FloatFormats.FLOAT32;
                case "HalfStorage" -> FloatFormats.FLOAT16;
                case "BFloat16Storage" -> FloatFormats.BFLOAT16;
                case "DoubleStorage" -> FloatFormats.FLOAT64;
                default -> null;
            };
        }
    }

    private record StorageRef(StorageType type, String key, long numel) {}

    private record TensorRef(StorageRef storage, long offset, int[] size, long[] stride) {

        SourceTensor materialize(String name, Map<String, byte[]> entries, String prefix, ByteOrder order, Path file) {
            String where = file + ": tensor '" + name + "'";
            FloatFormats format = storage.type().format();
            if (format == null) {
                throw new ImportException(where + ": torch." + storage.type().name() + " is not a float type (float32,"
                        + " float16, bfloat16 or float64)");
            }
            byte[] data = entries.get(prefix + "data/" + storage.key());
            if (data == null) {
                throw new ImportException(where + ": its storage " + prefix + "data/" + storage.key() + " is missing");
            }
            int n = CheckpointFormat.elementCount(size, where);
            long available = data.length / format.bytes;
            // the furthest element the view reaches must lie inside the storage
            long last = offset;
            for (int d = 0; d < size.length; d++) {
                last += (size[d] - 1) * stride[d];
            }
            if (offset < 0 || last >= available) {
                throw new ImportException(where + ": its view (offset " + offset + ") reaches element " + last
                        + " of a storage of " + available);
            }
            float[] all = format.read(ByteBuffer.wrap(data).order(order), (int) available);
            float[] values = new float[n];
            int[] index = new int[size.length];
            for (int i = 0; i < n; i++) {
                long at = offset;
                for (int d = 0; d < size.length; d++) {
                    at += index[d] * stride[d];
                }
                values[i] = all[(int) at];
                for (int d = size.length - 1; d >= 0; d--) { // row-major odometer
                    if (++index[d] < size[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
            return new SourceTensor(name, size, format.id, values);
        }
    }

    /** An ordered dict; the {@code _metadata} attribute a state dict carries is not needed. */
    public static final class TorchDict extends LinkedHashMap<Object, Object> {
        public void __setstate__(HashMap<String, Object> state) {
            // _metadata (module versions) only
        }
    }

    /**
     * Resolves the few globals a state dict's pickle names, and the storages behind persistent ids, without
     * touching the pickle library's process-wide constructor table; dicts keep their order.
     */
    private static final class TorchUnpickler extends Unpickler {

        private static final IObjectConstructor ORDERED_DICT = args -> new TorchDict();
        private static final IObjectConstructor REBUILD_TENSOR = args -> new TensorRef((StorageRef) args[0],
                number(args[1]), ints(args[2]), longs(args[3]));
        private static final IObjectConstructor REBUILD_PARAMETER = args -> args[0];

        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            switch (key) {
                case Opcodes.GLOBAL -> {
                    String module = PickleUtils.readline(input);
                    String name = PickleUtils.readline(input);
                    stack.add(resolve(module, name));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.STACK_GLOBAL -> {
                    String name = (String) stack.pop();
                    String module = (String) stack.pop();
                    stack.add(resolve(module, name));
                    return NO_RETURN_VALUE;
                }
                case Opcodes.EMPTY_DICT -> { // the library's dicts are HashMaps; keep the file's order
                    stack.add(new LinkedHashMap<>());
                    return NO_RETURN_VALUE;
                }
                case Opcodes.SETITEMS -> {
                    List<Object> keysAndValues = stack.pop_all_since_marker();
                    @SuppressWarnings("unchecked")
                    Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
                    for (int i = 0; i + 1 < keysAndValues.size(); i += 2) {
                        dict.put(keysAndValues.get(i), keysAndValues.get(i + 1));
                    }
                    return NO_RETURN_VALUE;
                }
                case Opcodes.BINPERSID -> {
                    stack.add(storage(stack.pop()));
                    return NO_RETURN_VALUE;
                }
                default -> {
                    return super.dispatch(key);
                }
            }
        }

        private static IObjectConstructor resolve(String module, String name) {
            String qualified = module + "." + name;
            switch (qualified) {
                case "collections.OrderedDict" -> {
                    return ORDERED_DICT;
                }
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                    return REBUILD_TENSOR;
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    return REBUILD_PARAMETER;
                }
                default -> {
                    if (module.equals("torch") && name.endsWith("Storage")) {
                        return new StorageType(name);
                    }
                    return new ClassDictConstructor(module, name); // any other object: its fields as a dict
                }
            }
        }

        private static StorageRef storage(Object pid) {
            if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType type)) {
                throw new PickleException("unexpected persistent id " + (pid instanceof Object[] a ? List.of(a) : pid));
            }
            return new StorageRef(type, String.valueOf(t[2]), number(t[4]));
        }

        private static long number(Object o) {
            return ((Number) o).longValue();
        }

        private static int[] ints(Object tuple) {
            Object[] t = (Object[]) tuple;
            int[] out = new int[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = Math.toIntExact(number(t[i]));
            }
            return out;
        }

        private static long[] longs(Object tuple) {
            Object[] t = (Object[]) tuple;
            long[] out = new long[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = number(t[i]);
            }
            return out;
        }
    }
}

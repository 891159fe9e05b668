package occam.training.regularize;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch's LAPACK-backed linear algebra, reached from DJL (whose NDArray API has no SVD or eigendecomposition)
 * through a TorchScript module. The module is a few lines of TorchScript source ({@code linalg.torchscript.py}
 * beside this class); this class packs it in memory into the archive layout {@code torch.jit.load} reads (the
 * source, a three-opcode pickle of the module object, an empty constants table, a format version) and loads it with
 * DJL. Nothing is downloaded or generated outside the JVM, and the same module runs on CPU and GPU tensors.
 */
public final class TorchLinalg implements AutoCloseable {

    private static final String SOURCE = "linalg.torchscript.py";
    /** TorchScript archive format version 3: the oldest that every PyTorch 2.x reads without upgraders. */
    private static final String FORMAT_VERSION = "3\n";

    private final PtNDManager manager;
    private final PtSymbolBlock module;

    /** Loads the module for arrays of {@code manager}'s engine, which must be PyTorch. */
    public TorchLinalg(NDManager manager) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalStateException("TorchLinalg needs the PyTorch engine, not " + Engine.getInstance().getEngineName());
        }
        this.manager = pt;
        try (InputStream archive = new ByteArrayInputStream(archive())) {
            this.module = JniUtils.loadModule(pt, archive, false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the TorchScript linalg module", e);
        }
    }

    /** Spectral entropies (nats) of the matrices, and dH/dW per matrix when asked. */
    public record Spectra(List<NDArray> gradients, double[] entropies) {}

    /**
     * @param matrices 2-D float arrays of any shapes
     * @param relativeTolerance singular values below this times the largest are treated as 0
     * @param withGradients also return dH/dW (same dtype, device and shape as each matrix, on {@code out})
     */
    public Spectra spectral(List<NDArray> matrices, double relativeTolerance, boolean withGradients, NDManager out) {
        PtNDArray[] inputs = new PtNDArray[matrices.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (PtNDArray) matrices.get(i);
        }
        // per thread: the profiling graph executor re-specializes the loop for every matrix shape; plain
        // interpretation measured 12 ms per call for the 1-layer model's 9 matrices against 21 ms (medians)
        JniUtils.setGraphExecutorOptimize(false);
        IValue list = IValue.listFrom(inputs);
        IValue tol = IValue.from(relativeTolerance);
        IValue grad = IValue.from(withGradients);
        IValue result = IValueUtils.runMethod(module, "spectral", list, tol, grad);
        try {
            IValue[] tuple = result.toIValueTuple();
            try {
                List<NDArray> gradients = new ArrayList<>();
                PtNDManager target = (PtNDManager) out;
                for (PtNDArray g : tuple[0].toTensorArray(target)) {
                    gradients.add(g);
                }
                double[] entropies;
                try (PtNDArray h = tuple[1].toTensor(manager)) {
                    entropies = h.toDoubleArray();
                }
                return new Spectra(gradients, entropies);
            } finally {
                for (IValue v : tuple) {
                    v.close();
                }
            }
        } finally {
            result.close();
            list.close();
            tol.close();
            grad.close();
        }
    }

    @Override
    public void close() {
        module.close();
    }

    /** The zip that {@code torch.jit.load} reads, with stored (uncompressed) entries under {@code archive/}. */
    static byte[] archive() throws IOException {
        byte[] code;
        try (InputStream in = TorchLinalg.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SOURCE + " is missing");
            }
            code = in.readAllBytes();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "archive/data.pkl", moduleObjectPickle());
            put(zip, "archive/code/__torch__.py", code);
            put(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // PROTO 2, EMPTY_TUPLE, STOP
            put(zip, "archive/version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    /**
     * The module object as TorchScript pickles it: {@code __torch__.Linalg} built from the state
     * {@code {"training": True}}: PROTO 2, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BINUNICODE, NEWTRUE, SETITEM,
     * BUILD, STOP.
     */
    private static byte[] moduleObjectPickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes("c__torch__\nLinalg\n".getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x88);
        p.write('s');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}

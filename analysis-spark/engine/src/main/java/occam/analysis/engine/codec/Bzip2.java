package occam.analysis.engine.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** bzip2 at block size 9 (900 kB, as {@code bzip2 -9}), through Commons Compress; output the CLI can read. */
public final class Bzip2 {

    /** Block size in units of 100 kB: the {@code -9} of the command line. */
    public static final int BLOCK_SIZE = 9;

    private Bzip2() {}

    public static byte[] compress(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 3));
        write(data, out);
        return out.toByteArray();
    }

    /** The compressed size without keeping the compressed bytes. */
    public static long compressedSize(byte[] data) {
        CountingOutputStream out = new CountingOutputStream();
        write(data, out);
        return out.count;
    }

    public static byte[] decompress(byte[] compressed) {
        try (BZip2CompressorInputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid bzip2 stream (" + compressed.length + " bytes)", e);
        }
    }

    private static void write(byte[] data, OutputStream sink) {
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(sink, BLOCK_SIZE)) {
            bz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("bzip2 of " + data.length + " bytes in memory failed", e);
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}

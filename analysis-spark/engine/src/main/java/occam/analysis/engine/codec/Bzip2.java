package occam.analysis.engine.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * bzip2 at block size 9 (900 kB, as {@code bzip2 -9}); output the CLI can read. Compression writes Commons
 * Compress's exact stream ({@link Bzip2Writer}) with a linear-time rotation sort ({@link RotationSort}): Commons'
 * own sort took most of the search's compression time on coarse models, whose long repeats it compares byte by
 * byte. Decompression is Commons Compress's.
 */
public final class Bzip2 {

    private Bzip2() {}

    public static byte[] compress(byte[] data) {
        return Bzip2Writer.compress(data, RotationSort::order);
    }

    /** The compressed size without keeping the compressed bytes. */
    public static long compressedSize(byte[] data) {
        return Bzip2Writer.compressedSize(data, RotationSort::order);
    }

    public static byte[] decompress(byte[] compressed) {
        try (BZip2CompressorInputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid bzip2 stream (" + compressed.length + " bytes)", e);
        }
    }
}

package occam.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;

/**
 * Whether a file is framed as Parquet: "PAR1" at its start and at its end. A truncated write or a file of another
 * format lacks the frame, and the readers' own errors on such a file (Spark skips it, DuckDB names no file) do not
 * say which file is at fault; this says it before they read.
 */
public final class ParquetMagic {

    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
    /** Two magics and the footer's 4-byte length: nothing shorter is Parquet. */
    private static final long MIN_SIZE = 2L * MAGIC.length + 4;

    private ParquetMagic() {}

    /** Null when the local {@code file} is framed as Parquet; else what is wrong with it. */
    public static String damage(java.nio.file.Path file) throws IOException {
        long size = Files.size(file);
        if (size < MIN_SIZE) {
            return tooShort(size);
        }
        byte[] head = new byte[MAGIC.length];
        byte[] tail = new byte[MAGIC.length];
        try (SeekableByteChannel in = Files.newByteChannel(file)) {
            in.read(ByteBuffer.wrap(head));
            in.position(size - MAGIC.length);
            in.read(ByteBuffer.wrap(tail));
        }
        return damage(head, tail);
    }

    /** The same on any Hadoop file system. */
    public static String damage(Configuration conf, org.apache.hadoop.fs.Path file) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        long size = fs.getFileStatus(file).getLen();
        if (size < MIN_SIZE) {
            return tooShort(size);
        }
        byte[] head = new byte[MAGIC.length];
        byte[] tail = new byte[MAGIC.length];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(0, head);
            in.readFully(size - MAGIC.length, tail);
        }
        return damage(head, tail);
    }

    private static String tooShort(long size) {
        return "not a Parquet file: " + size + " bytes, too short for one (truncated?)";
    }

    private static String damage(byte[] head, byte[] tail) {
        if (!Arrays.equals(head, MAGIC)) {
            return "not a Parquet file (its first bytes are not PAR1)";
        }
        return Arrays.equals(tail, MAGIC) ? null : "not a whole Parquet file (no PAR1 at its end: truncated or damaged)";
    }
}

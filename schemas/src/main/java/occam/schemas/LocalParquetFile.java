package occam.schemas;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Parquet input and output on a plain local path through NIO. Parquet 1.13 (Spark 3.5's version, which we keep on
 * every class path) has no local file classes of its own, and Hadoop's local file system writes .crc side files.
 */
final class LocalParquetFile {

    private LocalParquetFile() {}

    static InputFile input(Path path) {
        return new InputFile() {
            @Override
            public long getLength() throws IOException {
                return java.nio.file.Files.size(path);
            }

            @Override
            public SeekableInputStream newStream() throws IOException {
                FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
                return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
                    @Override
                    public long getPos() throws IOException {
                        return channel.position();
                    }

                    @Override
                    public void seek(long newPos) throws IOException {
                        channel.position(newPos);
                    }

                    @Override
                    public void readFully(ByteBuffer buf) throws IOException {
                        while (buf.hasRemaining()) {
                            if (channel.read(buf) < 0) {
                                throw new java.io.EOFException("unexpected end of " + path);
                            }
                        }
                    }
                };
            }

            @Override
            public String toString() {
                return path.toString();
            }
        };
    }

    /** Creates the file exclusively; {@link PositionOutputStream#close()} forces it to disk. */
    static OutputFile output(Path path) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                return new PositionOutputStream() {
                    private long pos;

                    @Override
                    public long getPos() {
                        return pos;
                    }

                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        pos++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        pos += len;
                    }

                    @Override
                    public void flush() throws IOException {
                        out.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        try (channel) {
                            out.flush();
                            channel.force(true);
                        }
                    }
                };
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return create(blockSizeHint);
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
    }
}

package occam.schemas;

import java.nio.file.Path;

/** A file of the archive cannot be used: it names the file and, where there is one, the row. */
public class ArchiveFormatException extends RuntimeException {

    private final Path file;

    public ArchiveFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    public ArchiveFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}

package occam.schemas;

import java.nio.file.Path;
import org.apache.avro.generic.GenericRecord;

/** Whole-file writes of a table's rows for tools other than the archive (e.g. the report's claims). */
public final class TableFiles {

    private TableFiles() {}

    /**
     * Writes {@code rows} to {@code target} atomically: under a hidden temporary name, then moved over the old
     * file, so a reader sees the old file or the new one, never a half-written one.
     */
    public static void replace(Path target, Table table, Iterable<GenericRecord> rows) {
        ParquetFiles.replaceAtomically(target, table, rows);
    }

    public static java.util.List<GenericRecord> read(Path file, Table table) {
        return ParquetFiles.read(file, table);
    }
}

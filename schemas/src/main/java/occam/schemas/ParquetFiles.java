package occam.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Whole-file Parquet I/O for one table: writes appear under their final name only when complete, and reads
 * check the file's columns against the table's schema before trusting a row.
 */
final class ParquetFiles {

    private ParquetFiles() {}

    private static Configuration conf(Schema readSchema) {
        Configuration conf = new Configuration(false);
        // The standard 3-level list layout, which Spark, DuckDB and pyarrow all read as a list.
        conf.setBoolean(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, false);
        conf.setBoolean(AvroSchemaConverter.ADD_LIST_ELEMENT_RECORDS, false);
        if (readSchema != null) {
            AvroReadSupport.setAvroReadSchema(conf, readSchema);
            AvroReadSupport.setRequestedProjection(conf, readSchema);
        }
        return conf;
    }

    /**
     * Writes {@code rows} to {@code target}, which must not exist yet. The rows go to a hidden temporary file in
     * the same directory (ignored by Spark, DuckDB and this library), which is forced to disk and then linked
     * under its final name: a crash at any point leaves either no file or the complete file.
     */
    static void writeAtomically(Path target, Table table, Iterable<GenericRecord> rows) {
        write(target, table, rows, false);
    }

    /** As {@link #writeAtomically}, but an existing {@code target} is replaced (atomic rename over it). */
    static void replaceAtomically(Path target, Table table, Iterable<GenericRecord> rows) {
        write(target, table, rows, true);
    }

    private static void write(Path target, Table table, Iterable<GenericRecord> rows, boolean replace) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            if (!replace && Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString(), null, "archive files are never rewritten");
            }
            try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(LocalParquetFile.output(temp))
                    .withSchema(table.schema())
                    .withDataModel(GenericData.get())
                    .withConf(conf(null))
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .build()) {
                for (GenericRecord row : rows) {
                    writer.write(row);
                }
            }
            if (replace) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                publish(temp, target);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** A hard link fails if the target exists, so an existing file is never replaced, even by a racing writer. */
    private static void publish(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof FileAlreadyExistsException) {
                throw (FileAlreadyExistsException) e;
            }
            // File systems without hard links: an atomic rename after the existence check.
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString(), null, "archive files are never rewritten");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the file itself is already on disk.
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // A leftover hidden .tmp file is ignored by every reader.
        }
    }

    /** Reads every row of {@code file}, after checking that its columns are the table's. */
    static List<GenericRecord> read(Path file, Table table) {
        if (!Files.isRegularFile(file)) {
            throw new ArchiveFormatException(file, "no such file");
        }
        MessageType fileSchema;
        try (ParquetFileReader reader = ParquetFileReader.open(LocalParquetFile.input(file))) {
            fileSchema = reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            throw new ArchiveFormatException(file, "not a readable Parquet file (" + e.getMessage() + ")", e);
        }
        checkColumns(file, table, fileSchema);
        List<GenericRecord> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(LocalParquetFile.input(file))
                // Generic rows: the schemas' full names match our record classes, which are not Avro classes.
                .withDataModel(GenericData.get())
                .withConf(conf(table.schema()))
                .build()) {
            for (GenericRecord row; (row = reader.read()) != null; ) {
                Object version = row.get("schema_version");
                if (!(version instanceof Integer v) || v < 1 || v > Table.SCHEMA_VERSION) {
                    throw new ArchiveFormatException(file, "row " + rows.size() + ": schema_version " + version
                            + " is not one this reader knows (1.." + Table.SCHEMA_VERSION + "); upgrade occam");
                }
                rows.add(row);
            }
        } catch (ArchiveFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ArchiveFormatException(file, "unreadable at row " + rows.size() + " (" + e.getMessage() + ")", e);
        }
        return rows;
    }

    private static void checkColumns(Path file, Table table, MessageType actual) {
        MessageType expected = new AvroSchemaConverter(conf(null)).convert(table.schema());
        for (Type column : expected.getFields()) {
            String name = column.getName();
            if (!actual.containsField(name)) {
                if (optional(table.schema().getField(name))) {
                    continue; // added after the file was written: read as its default (null)
                }
                throw new ArchiveFormatException(file, "not a '" + table.tableName() + "' file: column '" + name + "' is missing");
            }
            Type found = actual.getType(name);
            String want = describe(column);
            String got = describe(found);
            if (!want.equals(got)) {
                throw new ArchiveFormatException(file,
                        "not a '" + table.tableName() + "' file: column '" + name + "' is " + got + ", expected " + want);
            }
        }
    }

    /** A nullable column with a default: one a later schema may have added at the end (schemas/README.md). */
    private static boolean optional(Schema.Field field) {
        return field.hasDefaultValue() && field.schema().isNullable();
    }

    /** Physical type, or the logical kind of a group (list, map): what a reader relies on. */
    private static String describe(Type type) {
        if (type.isPrimitive()) {
            return type.asPrimitiveType().getPrimitiveTypeName().name();
        }
        return type.getLogicalTypeAnnotation() == null ? "group" : type.getLogicalTypeAnnotation().toString();
    }
}

package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files give an error that names the file and the problem; nothing is silently accepted. */
class CorruptFileTest {

    @TempDir
    Path root;

    @Test
    void truncatedFileNamesTheFile() throws Exception {
        Archive archive = new Archive(root);
        archive.writeCheckpoint(Fixtures.checkpoint("r1", 4, 4));
        Path file = archive.checkpointFile("r1", 4);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> archive.readCheckpoint("r1", 4));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": not a readable Parquet file"), e.getMessage());
    }

    @Test
    void fileWithAnotherTablesSchemaNamesTheFileAndTheColumn() throws Exception {
        Archive archive = new Archive(root);
        archive.writeMetrics("r1", Fixtures.metrics(3));
        Path target = archive.checkpointFile("r1", 3);
        Files.createDirectories(target.getParent());
        Files.copy(archive.metricsFile("r1", 3), target, StandardCopyOption.REPLACE_EXISTING);
        ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> archive.readCheckpoint("r1", 3));
        assertEquals(target + ": not a 'checkpoints' file: column 'step' is missing", e.getMessage());
    }

    @Test
    void missingChunkNamesTheTensorAndCounts() {
        Archive archive = new Archive(root, 10);
        Path file = archive.checkpointFile("r1", 5);
        List<GenericRecord> rows = new java.util.ArrayList<>(Rows.checkpoint(Fixtures.checkpoint("r1", 5, 5), 10));
        rows.removeIf(r -> r.get("tensor").equals("layers.0.mlp.in.weight") && (int) r.get("chunk_index") == 3);
        ParquetFiles.writeAtomically(file, Table.CHECKPOINTS, rows);
        ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> archive.readCheckpoint("r1", 5));
        assertEquals(file + ": tensor layers.0.mlp.in.weight: shape [8, 16] has 128 elements but its 13 chunk(s) hold 118",
                e.getMessage());
    }

    @Test
    void wrongShapeInARowNamesTheRow() {
        Archive archive = new Archive(root, 1000);
        Path file = archive.checkpointFile("r1", 6);
        List<GenericRecord> rows = Rows.checkpoint(Fixtures.checkpoint("r1", 6, 6), 1000);
        rows.get(2).put("shape", List.of(3, 8)); // embed.token... row 2 is layers.0.attn.query.weight, 64 values
        ParquetFiles.writeAtomically(file, Table.CHECKPOINTS, rows);
        ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> archive.readCheckpoint("r1", 6));
        assertEquals(file + ": row 2 (tensor layers.0.attn.query.weight): chunk 0 covers elements [0, 64) outside the shape's 24",
                e.getMessage());
    }

    @Test
    void rowFromANewerSchemaVersionIsRejected() {
        Archive archive = new Archive(root);
        Path file = archive.metricsFile("r1", 9);
        GenericRecord row = Rows.metrics("r1", Fixtures.metrics(9));
        row.put("schema_version", Table.SCHEMA_VERSION + 1);
        ParquetFiles.writeAtomically(file, Table.METRICS, List.of(row));
        ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> archive.readMetrics("r1"));
        assertTrue(e.getMessage().startsWith(file + ": row 0: schema_version " + (Table.SCHEMA_VERSION + 1) + " is not one this reader knows"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Archive archive = new Archive(root);
        ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> archive.readRun("nope"));
        assertEquals(archive.runFile("nope") + ": no such file", e.getMessage());
    }
}

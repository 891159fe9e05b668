package occam.cli.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import occam.cli.UserFailure;
import occam.schemas.Table;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFilesTest {

    @TempDir
    Path dir;

    @Test
    void aDamagedFileIsNamedBeforeDuckDbReadsTheTable() throws Exception {
        Path partition = dir.resolve(Table.CLAIMS.tableName()).resolve("run_id=x");
        Files.createDirectories(partition);
        Path whole = partition.resolve("whole.parquet");
        occam.schemas.TableFiles.replace(whole, Table.CLAIMS, List.<GenericRecord>of());
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM " + TableFiles.scan(dir, Table.CLAIMS))) {
            rs.next();
            assertEquals(0, rs.getLong(1), "a whole file passes, and DuckDB reads it");
        }

        Path cut = partition.resolve("cut.parquet");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        UserFailure truncated = assertThrows(UserFailure.class, () -> TableFiles.scan(dir, Table.CLAIMS));
        assertEquals(cut + ": not a whole Parquet file (no PAR1 at its end: truncated or damaged); move it away, or rerun"
                + " the step that wrote it", truncated.getMessage());

        Files.writeString(cut, "a,b\n1,2\n3,4\n5,6\n");
        assertTrue(assertThrows(UserFailure.class, () -> TableFiles.scan(dir, Table.CLAIMS)).getMessage()
                .startsWith(cut + ": not a Parquet file (its first bytes are not PAR1)"));
        Files.write(cut, new byte[5]);
        assertTrue(assertThrows(UserFailure.class, () -> TableFiles.scan(dir, Table.CLAIMS)).getMessage()
                .startsWith(cut + ": not a Parquet file: 5 bytes, too short for one"));
    }
}

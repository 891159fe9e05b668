package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB, an independent Parquet implementation, reads the archive with the documented names and types. */
class DuckDbReadTest {

    @TempDir
    Path root;

    private Archive archive;

    @BeforeEach
    void writeArchive() {
        archive = new Archive(root, 50); // small chunks, so tensors span several rows
        for (String run : List.of("r1", "r2")) {
            archive.writeRun(Fixtures.run(run));
            archive.writeExamples(run, Fixtures.examples());
            archive.writeMetrics(run, Fixtures.metrics(1));
            archive.writeMetrics(run, Fixtures.metrics(2));
            archive.writeCheckpoint(Fixtures.checkpoint(run, 1, 1));
            archive.writeCheckpoint(Fixtures.checkpoint(run, 2, 2));
        }
    }

    private String glob(Table t) {
        return "read_parquet('" + root + "/" + t.tableName() + "/*/*.parquet', hive_partitioning = true)";
    }

    @Test
    void columnsHaveTheDocumentedNamesAndTypes() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (Table t : List.of(Table.RUNS, Table.EXAMPLES, Table.METRICS, Table.CHECKPOINTS)) {
                Map<String, String> expected = new LinkedHashMap<>();
                for (Schema.Field f : t.schema().getFields()) {
                    expected.put(f.name(), SchemaDocs.duckDbType(f.schema()));
                }
                Map<String, String> actual = new LinkedHashMap<>();
                try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + glob(t))) {
                    while (rs.next()) {
                        actual.put(rs.getString("column_name"), rs.getString("column_type"));
                    }
                }
                assertEquals(expected, actual, t.tableName());
            }
        }
    }

    @Test
    void checkpointsGiveEachTensorsShapeAndElementCount() throws Exception {
        List<String> expected = new ArrayList<>();
        for (String run : List.of("r1", "r2")) {
            for (int step : List.of(1, 2)) {
                for (TensorSpec spec : Fixtures.TINY.tensors()) {
                    int chunks = (int) ((spec.elementCount() + 49) / 50);
                    expected.add(run + " " + step + " " + spec.name() + " " + java.util.Arrays.toString(spec.shape())
                            + " " + spec.elementCount() + " " + chunks);
                }
            }
        }
        expected.sort(null);
        List<String> actual = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT run_id, step, tensor, shape, sum(len(values)) AS elements, count(*) AS chunks FROM "
                        + glob(Table.CHECKPOINTS) + " GROUP BY ALL")) {
            while (rs.next()) {
                actual.add(rs.getString("run_id") + " " + rs.getInt("step") + " " + rs.getString("tensor") + " "
                        + rs.getString("shape") + " " + rs.getLong("elements") + " " + rs.getLong("chunks"));
            }
        }
        actual.sort(null);
        assertEquals(expected, actual);
    }

    @Test
    void tensorValuesReassembleInDuckDb() throws Exception {
        float[] want = Fixtures.checkpoint("r2", 2, 2).tensor("layers.0.mlp.in.weight").values();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT unnest(flatten(list(values ORDER BY chunk_index))) FROM "
                        + glob(Table.CHECKPOINTS) + " WHERE run_id = 'r2' AND step = 2 AND tensor = 'layers.0.mlp.in.weight'")) {
            int i = 0;
            while (rs.next()) {
                assertEquals(want[i], rs.getFloat(1), 0f, "element " + i);
                i++;
            }
            assertEquals(want.length, i);
        }
    }
}

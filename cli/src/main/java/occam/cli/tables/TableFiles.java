package occam.cli.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import occam.schemas.Table;

/** A hive-partitioned table under a root, {@code <root>/<table>/run_id=<id>/*.parquet}, as DuckDB reads it. */
public final class TableFiles {

    private TableFiles() {}

    /**
     * Whether the table has a Parquet file. DuckDB's read_parquet fails on a glob that matches nothing, and a table
     * with no rows (quarantine when nothing was rejected) may have no file.
     */
    public static boolean hasFiles(Path root, Table table) {
        Path dir = root.resolve(table.tableName());
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The DuckDB table function over every partition of the table ({@code run_id} from the directory names). */
    public static String scan(Path root, Table table) {
        return "read_parquet('" + root.resolve(table.tableName()).toString().replace("'", "''")
                + "/*/*.parquet', hive_partitioning = true, union_by_name = true)";
    }

    /**
     * The table's rows of the paper codec: {@code complexity} and {@code rate_distortion_fits} hold a row per codec
     * (paper, integer); rows written before the integer codec have no codec (null, or no column at all) and are
     * the paper's.
     */
    public static String scanPaperCodec(java.sql.Connection db, Path root, Table table) throws java.sql.SQLException {
        String scan = scan(root, table);
        try (java.sql.Statement s = db.createStatement();
                java.sql.ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
            while (rs.next()) {
                if ("codec".equals(rs.getString(1))) {
                    return "(SELECT * FROM " + scan + " WHERE coalesce(codec, 'paper') = 'paper')";
                }
            }
        }
        return scan;
    }
}

package occam.cli.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import occam.cli.UserFailure;
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

    /** Files already found whole, as path, size and modification time: a report scans a table many times. */
    private static final Set<String> WHOLE = ConcurrentHashMap.newKeySet();

    /**
     * The DuckDB table function over every partition of the table ({@code run_id} from the directory names). Every
     * file is checked to be a whole Parquet file first, so a damaged one is named (DuckDB's own error on it does
     * not say which file).
     */
    public static String scan(Path root, Table table) {
        checkWhole(root.resolve(table.tableName()));
        return "read_parquet('" + root.resolve(table.tableName()).toString().replace("'", "''")
                + "/*/*.parquet', hive_partitioning = true, union_by_name = true)";
    }

    /**
     * Fails, naming the file, when a Parquet file under {@code dir} (its partitions) is too short or lacks the
     * "PAR1" magic at its start or end: truncated, or not Parquet.
     */
    static void checkWhole(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> found = Files.walk(dir, 2)) {
            files = found.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path file : files) {
            try {
                long size = Files.size(file);
                String key = file + "|" + size + "|" + Files.getLastModifiedTime(file).toMillis();
                if (WHOLE.contains(key)) {
                    continue;
                }
                String damage = occam.schemas.ParquetMagic.damage(file);
                if (damage != null) {
                    throw new UserFailure(file + ": " + damage + "; move it away, or rerun the step that wrote it");
                }
                WHOLE.add(key);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
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

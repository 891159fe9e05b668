package occam.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import occam.schemas.Table;

/**
 * The job's output tables under one root, read by DuckDB (a reader independent of Spark): every column of the table's
 * schema as text, rows in a fixed order, grouped by settings hash. Two roots hold the same results when their dumps are
 * equal: same tables, same settings, same rows (duplicates included), same values.
 */
final class OutputTables {

    static final List<Table> TABLES = List.of(Table.EVALUATIONS, Table.COMPLEXITY, Table.BASELINES, Table.SPECTRA,
            Table.RATE_DISTORTION_FITS, Table.COARSE_MODELS, Table.QUARANTINE);

    private OutputTables() {}

    /** settings hash -> table name -> rows ("column=value" cells); tables without files are left out. */
    static Map<String, Map<String, List<List<String>>>> dump(Path root) throws Exception {
        Map<String, Map<String, List<List<String>>>> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (Table t : TABLES) {
                if (!hasFiles(root.resolve(t.tableName()))) {
                    continue;
                }
                // a stored message compares by its digest
                String cols = t.schema().getFields().stream().map(f -> f.schema().getType() == org.apache.avro.Schema.Type.BYTES
                        ? "md5(\"" + f.name() + "\") AS \"" + f.name() + "\"" : "\"" + f.name() + "\"")
                        .collect(Collectors.joining(", "));
                String sql = "SELECT " + cols + " FROM read_parquet('" + root + "/" + t.tableName()
                        + "/*/*.parquet', hive_partitioning = true) ORDER BY ALL";
                try (ResultSet rs = s.executeQuery(sql)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.add(md.getColumnName(i) + "=" + rs.getString(i));
                        }
                        out.computeIfAbsent(rs.getString("settings_hash"), h -> new TreeMap<>())
                                .computeIfAbsent(t.tableName(), n -> new ArrayList<>()).add(row);
                    }
                }
            }
        }
        return out;
    }

    /** Rows of {@code table} under {@code settingsHash} whose column {@code column} has this value. */
    static long count(Map<String, Map<String, List<List<String>>>> dump, String settingsHash, Table table,
            String column, String value) {
        return dump.getOrDefault(settingsHash, Map.of()).getOrDefault(table.tableName(), List.of()).stream()
                .filter(r -> r.contains(column + "=" + value)).count();
    }

    private static boolean hasFiles(Path tableDir) throws IOException {
        if (!Files.isDirectory(tableDir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(tableDir, 2)) {
            return s.anyMatch(p -> p.toString().endsWith(".parquet"));
        }
    }
}

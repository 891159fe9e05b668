package occam.schemas;

import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

/** Renders a table's Avro schema as the markdown column table that schemas/README.md must contain. */
final class SchemaDocs {

    private SchemaDocs() {}

    static String markdown(Table table) {
        StringBuilder sb = new StringBuilder();
        sb.append("| column | type | meaning (unit) |\n|---|---|---|\n");
        for (Schema.Field f : table.schema().getFields()) {
            sb.append("| `").append(f.name()).append("` | ").append(typeName(f.schema())).append(" | ")
                    .append(f.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    static String typeName(Schema s) {
        LogicalType logical = s.getLogicalType();
        if (logical != null) {
            return logical.getName();
        }
        return switch (s.getType()) {
            case UNION -> s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL)
                    .map(SchemaDocs::typeName).collect(Collectors.joining("|")) + " (nullable)";
            case ARRAY -> "array&lt;" + typeName(s.getElementType()) + "&gt;";
            case MAP -> "map&lt;string, " + typeName(s.getValueType()) + "&gt;";
            default -> s.getType().getName();
        };
    }

    /** DuckDB's name for the column type a Parquet reader sees for this Avro type. */
    static String duckDbType(Schema s) {
        LogicalType logical = s.getLogicalType();
        if (logical != null && logical.getName().equals("timestamp-millis")) {
            return "TIMESTAMP WITH TIME ZONE";
        }
        return switch (s.getType()) {
            case UNION -> s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).map(SchemaDocs::duckDbType)
                    .findFirst().orElseThrow();
            case ARRAY -> duckDbType(s.getElementType()) + "[]";
            case MAP -> "MAP(VARCHAR, " + duckDbType(s.getValueType()) + ")";
            case INT -> "INTEGER";
            case LONG -> "BIGINT";
            case FLOAT -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> "VARCHAR";
            default -> throw new IllegalArgumentException("no DuckDB mapping for " + s);
        };
    }
}

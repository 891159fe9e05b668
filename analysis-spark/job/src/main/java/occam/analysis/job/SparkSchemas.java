package occam.analysis.job;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import occam.schemas.Table;
import org.apache.avro.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output tables' Spark schemas, derived from their .avsc files (the contract), and the conversion of the
 * engine's result records into rows: column {@code snake_case} is read from record component {@code snakeCase}.
 */
final class SparkSchemas {

    private static final Map<String, Method[]> ACCESSORS = new ConcurrentHashMap<>();
    private static final Map<Table, StructType> STRUCTS = new ConcurrentHashMap<>();

    private SparkSchemas() {}

    static StructType structType(Table table) {
        return STRUCTS.computeIfAbsent(table, SparkSchemas::toStructType);
    }

    private static StructType toStructType(Table table) {
        List<StructField> fields = new ArrayList<>();
        for (Schema.Field f : table.schema().getFields()) {
            Schema s = f.schema();
            boolean nullable = s.getType() == Schema.Type.UNION;
            if (nullable) {
                s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
            }
            fields.add(DataTypes.createStructField(f.name(), dataType(table, f.name(), s), nullable));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType dataType(Table table, String column, Schema s) {
        return switch (s.getType()) {
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case FLOAT -> DataTypes.FloatType;
            case BOOLEAN -> DataTypes.BooleanType;
            case STRING -> DataTypes.StringType;
            case ARRAY -> DataTypes.createArrayType(dataType(table, column, s.getElementType()), false);
            case MAP -> DataTypes.createMapType(DataTypes.StringType, dataType(table, column, s.getValueType()), false);
            default -> throw new IllegalStateException(table.tableName() + "." + column + ": no Spark type for " + s);
        };
    }

    /** A row of {@code table} from an engine record; {@code schema_version} and {@code settings_hash} are filled in. */
    static Row row(Table table, Object record, String settingsHash) {
        Method[] accessors = ACCESSORS.computeIfAbsent(table.tableName() + "/" + record.getClass().getName(),
                k -> accessors(table, record.getClass()));
        List<Schema.Field> fields = table.schema().getFields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            String name = fields.get(i).name();
            if (name.equals("schema_version")) {
                values[i] = Table.SCHEMA_VERSION;
            } else if (name.equals("settings_hash")) {
                values[i] = settingsHash;
            } else {
                try {
                    values[i] = coerce(accessors[i].invoke(record), structType(table).fields()[i].dataType());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + name + " from " + record, e);
                }
            }
        }
        return RowFactory.create(values);
    }

    private static Method[] accessors(Table table, Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type.getName() + " is not a record");
        }
        List<Schema.Field> fields = table.schema().getFields();
        Method[] out = new Method[fields.size()];
        for (int i = 0; i < out.length; i++) {
            String name = fields.get(i).name();
            if (name.equals("schema_version") || name.equals("settings_hash")) {
                continue;
            }
            String component = camelCase(name);
            for (RecordComponent rc : type.getRecordComponents()) {
                if (rc.getName().equals(component)) {
                    out[i] = rc.getAccessor();
                }
            }
            if (out[i] == null) {
                throw new IllegalStateException(type.getSimpleName() + " has no component '" + component
                        + "' for column " + table.tableName() + "." + name);
            }
        }
        return out;
    }

    static String camelCase(String snake) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private static Object coerce(Object v, DataType type) {
        if (v == null) {
            return null;
        }
        if (type == DataTypes.LongType) {
            return ((Number) v).longValue();
        }
        if (type == DataTypes.IntegerType) {
            return ((Number) v).intValue();
        }
        if (type == DataTypes.DoubleType) {
            return ((Number) v).doubleValue();
        }
        return v;
    }
}

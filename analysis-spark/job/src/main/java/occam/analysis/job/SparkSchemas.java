package occam.analysis.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import occam.schemas.Table;
import org.apache.avro.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The tables' Spark schemas, derived from their .avsc files (the contract). */
final class SparkSchemas {

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
            case BYTES -> DataTypes.BinaryType;
            case ARRAY -> DataTypes.createArrayType(dataType(table, column, s.getElementType()), false);
            case MAP -> DataTypes.createMapType(DataTypes.StringType, dataType(table, column, s.getValueType()), false);
            default -> throw new IllegalStateException(table.tableName() + "." + column + ": no Spark type for " + s);
        };
    }
}

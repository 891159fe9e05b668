package occam.analysis.job;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.input_file_name;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.analysis.job.InputScan.RunInput;
import occam.schemas.Example;
import occam.schemas.Table;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * The read step: the rows of the pending checkpoint files, read from the archive once and kept (memory, spilling to
 * local disk) for both the checks and the search, and the training split of each run.
 *
 * @param tensorRows every row of the files, plus {@code file} (the normalized path it came from); null when no file
 * @param trainSplits training examples by run id, ordered by example id
 * @param testSplits test examples by run id (the best models' test figures), ordered by example id
 * @param examplesVersion the largest {@code schema_version} of each run's examples rows
 */
record CheckpointData(Dataset<Row> tensorRows, Map<String, List<Example>> trainSplits, Map<String, List<Example>> testSplits,
        Map<String, Integer> examplesVersion) implements AutoCloseable {

    static CheckpointData read(SparkSession spark, List<RunInput> runs, List<CheckpointFile> files) {
        Map<String, List<Example>> splits = new HashMap<>();
        Map<String, List<Example>> tests = new HashMap<>();
        Map<String, Integer> versions = new HashMap<>();
        readSplits(spark, runs, splits, tests, versions);
        if (files.isEmpty()) {
            return new CheckpointData(null, splits, tests, versions);
        }
        if (!spark.catalog().functionExists("occam_norm_path")) {
            // input_file_name() spells local paths file:///..., the listing file:/...: compare them normalized
            spark.udf().register("occam_norm_path", (UDF1<String, String>) p -> new Path(p).toString(), DataTypes.StringType);
        }
        Dataset<Row> rows = spark.read()
                .schema(SparkSchemas.structType(Table.CHECKPOINTS))
                .option("ignoreCorruptFiles", "true") // an unreadable file yields no rows; the checks reject it
                .parquet(files.stream().map(CheckpointFile::path).toArray(String[]::new))
                .withColumn("file", callUDF("occam_norm_path", input_file_name()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new CheckpointData(rows, splits, tests, versions);
    }

    /** The normalized path of a file, as the {@code file} column spells it. */
    static String key(CheckpointFile f) {
        return new Path(f.path()).toString();
    }

    @Override
    public void close() {
        if (tensorRows != null) {
            tensorRows.unpersist();
        }
    }

    private static void readSplits(SparkSession spark, List<RunInput> runs, Map<String, List<Example>> splits,
            Map<String, List<Example>> tests, Map<String, Integer> versions) {
        List<String> files = new ArrayList<>();
        for (RunInput r : runs) {
            Path file = new Path(r.root(), Table.EXAMPLES.tableName() + "/run_id=" + r.runId() + "/examples.parquet");
            try {
                if (file.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(file)) {
                    files.add(file.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach " + file, e);
            }
        }
        if (files.isEmpty()) {
            return;
        }
        List<Row> rows = spark.read().schema(SparkSchemas.structType(Table.EXAMPLES))
                .option("ignoreCorruptFiles", "true")
                .parquet(files.toArray(String[]::new))
                .orderBy("run_id", "example_id")
                .collectAsList();
        for (Row r : rows) {
            String runId = r.getAs("run_id");
            Integer version = r.getAs("schema_version");
            versions.merge(runId, version == null ? 0 : version, Math::max);
            int[] tokens = r.<Integer>getList(r.fieldIndex("tokens")).stream().mapToInt(Integer::intValue).toArray();
            boolean train = "train".equals(r.getAs("split"));
            (train ? splits : tests).computeIfAbsent(runId, k -> new ArrayList<>()).add(new Example(r.getAs("example_id"),
                    r.getAs("a"), r.getAs("b"), r.getAs("label"), tokens, train));
        }
    }
}

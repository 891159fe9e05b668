package occam.analysis.job;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import com.amazon.deequ.VerificationResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.analysis.job.InputScan.RunInput;
import occam.schemas.Example;
import occam.schemas.Table;
import occam.schemas.TensorSpec;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The data checks that run before any search, as Deequ row-level rules. A run that fails a run rule, or a
 * checkpoint that fails a tensor rule, becomes a {@code quarantine} row with a readable reason; everything
 * else goes on to the search.
 */
final class InputChecks {

    /** A checkpoint or run the checks rejected. {@code step} is null for a whole run. */
    record Rejection(String runId, Integer step, String check, String reason, String sourceFile) {}

    record Outcome(List<Rejection> rejections, List<CheckpointFile> passing, Map<String, List<Example>> trainSplits,
            Dataset<Row> tensorRows) {}

    /** Run rules, over one row per run. */
    static final List<Deequ.Rule> RUN_RULES = List.of(
            // the analysis rebuilds the forward pass from the spec, so it must be one the engine knows
            new Deequ.Rule("model_spec_known", "spec_error IS NULL"),
            // the loss is evaluated on the run's exact training split
            new Deequ.Rule("split_present", "train_examples > 0"),
            new Deequ.Rule("split_matches_run", "train_examples = n_train"));

    /** Tensor rules, over one row per (checkpoint file, tensor): the spec's tensors joined with what the file holds. */
    static final List<Deequ.Rule> TENSOR_RULES = List.of(
            // every row names its run, step, tensor and chunk, and belongs to the checkpoint its file name says
            new Deequ.Rule("keys_complete", "coalesce(rows_with_null_keys, 0) = 0"),
            new Deequ.Rule("keys_match_file", "coalesce(rows_of_other_checkpoints, 0) = 0"),
            // the file holds exactly the tensors of the run's model spec
            new Deequ.Rule("tensor_present", "chunks IS NOT NULL"),
            new Deequ.Rule("tensor_in_spec", "expected_shape IS NOT NULL"),
            new Deequ.Rule("shape_matches_spec",
                    "chunks IS NULL OR expected_shape IS NULL OR (shape_variants = 1 AND shape = expected_shape)"),
            // chunk keys are unique and the chunks hold exactly the tensor's elements
            new Deequ.Rule("chunks_tile_tensor", "chunks IS NULL OR expected_shape IS NULL"
                    + " OR (distinct_chunks = chunks AND chunks = declared_chunks AND elements = expected_elements)"),
            new Deequ.Rule("dtype_float32", "chunks IS NULL OR bad_dtype_chunks = 0"),
            // NaN or Inf anywhere makes every loss and size meaningless
            new Deequ.Rule("values_finite", "chunks IS NULL OR non_finite_chunks = 0"));

    /** A readable reason per tensor rule, as a SQL expression over the same row. */
    private static final Map<String, String> REASONS = Map.of(
            "keys_complete", "concat(rows_with_null_keys, ' row(s) lack run_id, step, tensor or chunk_index')",
            "keys_match_file", "concat(rows_of_other_checkpoints, ' row(s) belong to another run or step than the file name says')",
            "tensor_present", "concat('tensor ', tensor, ' ', array_join(expected_shape, 'x'), ' is missing')",
            "tensor_in_spec", "concat('tensor ', tensor, ' is not in the model spec')",
            "shape_matches_spec", "concat('tensor ', tensor, ' has shape ', array_join(shape, 'x'), ', the spec says ', array_join(expected_shape, 'x'))",
            "chunks_tile_tensor", "concat('tensor ', tensor, ': ', chunks, ' chunk(s) of ', declared_chunks, ' declared hold ', elements, ' of ', expected_elements, ' elements')",
            "dtype_float32", "concat('tensor ', tensor, ' is not float32')",
            "values_finite", "concat('tensor ', tensor, ' has NaN or Inf values in ', non_finite_chunks, ' chunk(s)')");

    private InputChecks() {}

    static Outcome run(SparkSession spark, List<RunInput> runs, List<CheckpointFile> pending) {
        List<Rejection> rejections = new ArrayList<>();
        Map<String, List<Example>> splits = readTrainSplits(spark, runs);
        Set<String> rejectedRuns = checkRuns(spark, runs, splits, rejections);

        List<CheckpointFile> candidates = pending.stream().filter(c -> !rejectedRuns.contains(c.runId())).toList();
        if (candidates.isEmpty()) {
            return new Outcome(rejections, List.of(), splits, null);
        }
        if (!spark.catalog().functionExists("occam_norm_path")) {
            // input_file_name() spells local paths file:///..., the listing file:/...: compare them normalized
            spark.udf().register("occam_norm_path", (UDF1<String, String>) p -> new Path(p).toString(), DataTypes.StringType);
        }
        Dataset<Row> tensorRows = spark.read()
                .schema(SparkSchemas.structType(Table.CHECKPOINTS))
                .option("ignoreCorruptFiles", "true") // an unreadable file yields no rows and is rejected below
                .parquet(candidates.stream().map(CheckpointFile::path).toArray(String[]::new))
                .withColumn("file", callUDF("occam_norm_path", input_file_name()));

        Dataset<Row> files = filesFrame(spark, candidates);
        tensorRows.createOrReplaceTempView("occam_tensor_rows");
        files.createOrReplaceTempView("occam_files");
        expectedFrame(spark, runs).createOrReplaceTempView("occam_expected");

        Set<String> unreadable = new HashSet<>(spark.sql("SELECT f.file FROM occam_files f LEFT ANTI JOIN "
                + "(SELECT DISTINCT file FROM occam_tensor_rows) r ON f.file = r.file").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList());
        Map<String, CheckpointFile> byFile = new LinkedHashMap<>();
        candidates.forEach(c -> byFile.put(new Path(c.path()).toString(), c));
        for (String file : unreadable) {
            CheckpointFile c = byFile.get(file);
            rejections.add(new Rejection(c.runId(), c.step(), "readable",
                    "no row could be read: the file is not a readable Parquet file (truncated or corrupt?)", c.path()));
        }

        Dataset<Row> perTensor = spark.sql("""
                WITH summary AS (
                  SELECT file, tensor,
                         count(*) AS chunks,
                         count(DISTINCT chunk_index) AS distinct_chunks,
                         max(chunk_count) AS declared_chunks,
                         size(collect_set(shape)) AS shape_variants,
                         first(shape) AS shape,
                         sum(size(values)) AS elements,
                         sum(CASE WHEN exists(values, x -> isnan(x) OR x = double('inf') OR x = double('-inf')) THEN 1 ELSE 0 END) AS non_finite_chunks,
                         sum(CASE WHEN dtype = 'float32' THEN 0 ELSE 1 END) AS bad_dtype_chunks
                  FROM occam_tensor_rows WHERE tensor IS NOT NULL GROUP BY file, tensor),
                keys AS (
                  SELECT r.file,
                         sum(CASE WHEN r.run_id IS NULL OR r.step IS NULL OR r.tensor IS NULL OR r.chunk_index IS NULL
                                  OR r.values IS NULL THEN 1 ELSE 0 END) AS rows_with_null_keys,
                         sum(CASE WHEN r.run_id <> f.run_id OR r.step <> f.step THEN 1 ELSE 0 END) AS rows_of_other_checkpoints
                  FROM occam_tensor_rows r JOIN occam_files f ON r.file = f.file GROUP BY r.file),
                grid AS (
                  SELECT f.file, f.run_id, f.step, e.tensor, e.expected_shape, e.expected_elements
                  FROM occam_files f JOIN occam_expected e ON f.run_id = e.run_id)
                SELECT coalesce(g.file, s.file) AS file, coalesce(g.tensor, s.tensor) AS tensor,
                       g.expected_shape, g.expected_elements, s.chunks, s.distinct_chunks, s.declared_chunks,
                       s.shape_variants, s.shape, s.elements, s.non_finite_chunks, s.bad_dtype_chunks,
                       k.rows_with_null_keys, k.rows_of_other_checkpoints
                FROM grid g FULL OUTER JOIN summary s ON g.file = s.file AND g.tensor = s.tensor
                LEFT JOIN keys k ON coalesce(g.file, s.file) = k.file
                """)
                .where(col("file").isin(byFile.keySet().stream().filter(f -> !unreadable.contains(f)).toArray()))
                .cache();

        VerificationResult result = Deequ.verify(perTensor, TENSOR_RULES);
        Dataset<Row> flagged = Deequ.rowResults(spark, result, perTensor);
        flagged.createOrReplaceTempView("occam_flagged");
        Set<String> rejectedFiles = new HashSet<>(unreadable);
        for (Deequ.Rule rule : TENSOR_RULES) {
            List<Row> failures = spark.sql("SELECT file, count(*) AS n, slice(collect_list(" + REASONS.get(rule.name())
                    + "), 1, 4) AS reasons FROM occam_flagged WHERE NOT coalesce(`" + rule.name() + "`, false) GROUP BY file")
                    .collectAsList();
            for (Row f : failures) {
                CheckpointFile c = byFile.get(f.getString(0));
                long n = f.getLong(1);
                String reason = String.join("; ", f.<String>getList(2)) + (n > 4 ? "; and " + (n - 4) + " more" : "");
                rejections.add(new Rejection(c.runId(), c.step(), rule.name(), reason, c.path()));
                rejectedFiles.add(f.getString(0));
            }
        }
        perTensor.unpersist();
        List<CheckpointFile> passing = byFile.entrySet().stream().filter(e -> !rejectedFiles.contains(e.getKey()))
                .map(Map.Entry::getValue).toList();
        return new Outcome(rejections, passing, splits, tensorRows);
    }

    private static Set<String> checkRuns(SparkSession spark, List<RunInput> runs, Map<String, List<Example>> splits,
            List<Rejection> rejections) {
        StructType schema = new StructType()
                .add("run_id", DataTypes.StringType, false)
                .add("spec_error", DataTypes.StringType, true)
                .add("train_examples", DataTypes.IntegerType, false)
                .add("n_train", DataTypes.IntegerType, false)
                .add("runs_file", DataTypes.StringType, false);
        List<Row> rows = runs.stream().map(r -> RowFactory.create(r.runId(), r.specError(),
                splits.getOrDefault(r.runId(), List.of()).size(), r.nTrain(), r.runsFile())).toList();
        if (rows.isEmpty()) {
            return Set.of();
        }
        Dataset<Row> frame = spark.createDataFrame(rows, schema);
        Dataset<Row> flagged = Deequ.rowResults(spark, Deequ.verify(frame, RUN_RULES), frame);
        Set<String> rejected = new HashSet<>();
        for (Row r : flagged.collectAsList()) {
            String runId = r.getAs("run_id");
            for (Deequ.Rule rule : RUN_RULES) {
                Boolean ok = r.getAs(rule.name());
                if (ok == null || !ok) {
                    rejected.add(runId);
                    String reason = switch (rule.name()) {
                        case "model_spec_known" -> r.getAs("spec_error");
                        case "split_present" -> "the run has no training examples in examples/run_id=" + runId;
                        default -> "examples hold " + r.getAs("train_examples") + " training rows, runs says n_train = " + r.getAs("n_train");
                    };
                    rejections.add(new Rejection(runId, null, rule.name(), reason, r.getAs("runs_file")));
                }
            }
        }
        return rejected;
    }

    private static Map<String, List<Example>> readTrainSplits(SparkSession spark, List<RunInput> runs) {
        Map<String, List<Example>> splits = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (RunInput r : runs) {
            Path file = new Path(r.root(), Table.EXAMPLES.tableName() + "/run_id=" + r.runId() + "/examples.parquet");
            try {
                if (file.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(file)) {
                    files.add(file.toString());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot reach " + file, e);
            }
        }
        if (files.isEmpty()) {
            return splits;
        }
        List<Row> rows = spark.read().schema(SparkSchemas.structType(Table.EXAMPLES))
                .option("ignoreCorruptFiles", "true")
                .parquet(files.toArray(String[]::new))
                .where("split = 'train'")
                .orderBy("run_id", "example_id")
                .collectAsList();
        for (Row r : rows) {
            int[] tokens = r.<Integer>getList(r.fieldIndex("tokens")).stream().mapToInt(Integer::intValue).toArray();
            splits.computeIfAbsent(r.getAs("run_id"), k -> new ArrayList<>()).add(new Example(r.getAs("example_id"),
                    r.getAs("a"), r.getAs("b"), r.getAs("label"), tokens, true));
        }
        return splits;
    }

    private static Dataset<Row> filesFrame(SparkSession spark, List<CheckpointFile> files) {
        StructType schema = new StructType().add("file", DataTypes.StringType, false)
                .add("run_id", DataTypes.StringType, false).add("step", DataTypes.IntegerType, false);
        return spark.createDataFrame(files.stream()
                .map(c -> RowFactory.create(new Path(c.path()).toString(), c.runId(), c.step())).toList(), schema);
    }

    private static Dataset<Row> expectedFrame(SparkSession spark, List<RunInput> runs) {
        StructType schema = new StructType().add("run_id", DataTypes.StringType, false)
                .add("tensor", DataTypes.StringType, false)
                .add("expected_shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add("expected_elements", DataTypes.LongType, false);
        List<Row> rows = new ArrayList<>();
        for (RunInput r : runs) {
            if (r.spec() == null) {
                continue;
            }
            for (TensorSpec t : r.spec().tensors()) {
                List<Integer> shape = java.util.Arrays.stream(t.shape()).boxed().toList();
                rows.add(RowFactory.create(r.runId(), t.name(), scala.collection.JavaConverters.asScalaBuffer(shape).toSeq(),
                        t.elementCount()));
            }
        }
        return spark.createDataFrame(rows, schema);
    }
}

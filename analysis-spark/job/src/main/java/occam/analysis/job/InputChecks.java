package occam.analysis.job;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.analysis.job.InputScan.RunInput;
import occam.schemas.Table;
import occam.schemas.TensorSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The check step: data checks over the rows the read step holds, as Deequ row-level rules, before any search. A
 * run that fails a run rule, or a checkpoint that fails a tensor rule, becomes a {@code quarantine} row with a
 * readable reason (each distinct reason once); everything else goes on to the search.
 */
final class InputChecks {

    /** A checkpoint or run the checks rejected. {@code step} is null for a whole run. */
    record Rejection(String runId, Integer step, String check, String reason, String sourceFile) {}

    record Outcome(List<Rejection> rejections, List<CheckpointFile> passing) {}

    private static final int VERSION = Table.SCHEMA_VERSION;

    /**
     * Run rules, over one row per run. A run without a runs row fails only {@code run_registered}; a run without
     * training examples only {@code split_present}: one cause, one row.
     */
    /** The rules below speak only of a readable runs row: one cause, one quarantine row. */
    private static final String NO_READABLE_ROW_OR = "runs_file IS NULL OR unreadable IS NOT NULL OR ";

    static final List<Deequ.Rule> RUN_RULES = List.of(
            // checkpoints whose run the runs table does not know cannot be analysed (no spec, no split size)
            new Deequ.Rule("run_registered", "runs_file IS NOT NULL"),
            // a runs file that is not whole Parquet holds no spec either (the rules below then say nothing more)
            new Deequ.Rule("runs_row_readable", "unreadable IS NULL"),
            // rows written by a newer occam may mean something this one does not know
            new Deequ.Rule("schema_version_known", NO_READABLE_ROW_OR + "(schema_version BETWEEN 1 AND " + VERSION
                    + " AND coalesce(examples_version, 1) BETWEEN 1 AND " + VERSION + ")"),
            // the analysis rebuilds the forward pass from the spec, so it must be one the engine knows
            new Deequ.Rule("model_spec_known", NO_READABLE_ROW_OR + "spec_error IS NULL"),
            // the loss is evaluated on the run's exact training split
            new Deequ.Rule("split_present", NO_READABLE_ROW_OR + "train_examples > 0"),
            new Deequ.Rule("split_matches_run", NO_READABLE_ROW_OR + "train_examples = 0 OR train_examples = n_train"));

    /** Tensor rules, over one row per (checkpoint file, tensor): the spec's tensors joined with what the file holds. */
    static final List<Deequ.Rule> TENSOR_RULES = List.of(
            // the archive library refuses rows of a newer schema ("upgrade occam"); so does the job
            new Deequ.Rule("schema_version_known", "coalesce(rows_of_unknown_version, 0) = 0"),
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
            "schema_version_known", "concat(rows_of_unknown_version, ' row(s) carry schema_version ', max_schema_version,"
                    + " '; this occam reads 1..' , " + VERSION + ", ': upgrade occam')",
            "keys_complete", "concat(rows_with_null_keys, ' row(s) lack run_id, step, tensor or chunk_index')",
            "keys_match_file", "concat(rows_of_other_checkpoints, ' row(s) belong to another run or step than the file name says')",
            "tensor_present", "concat('tensor ', tensor, ' ', array_join(expected_shape, 'x'), ' is missing')",
            "tensor_in_spec", "concat('tensor ', tensor, ' is not in the model spec')",
            "shape_matches_spec", "concat('tensor ', tensor, ' has shape ', array_join(shape, 'x'), ', the spec says ', array_join(expected_shape, 'x'))",
            "chunks_tile_tensor", "concat('tensor ', tensor, ': ', chunks, ' chunk(s) of ', declared_chunks, ' declared hold ', elements, ' of ', expected_elements, ' elements')",
            "dtype_float32", "concat('tensor ', tensor, ' is not float32')",
            "values_finite", "concat('tensor ', tensor, ' has NaN or Inf values in ', non_finite_chunks, ' chunk(s)')");

    private InputChecks() {}

    static Outcome run(SparkSession spark, List<RunInput> runs, List<CheckpointFile> pending, CheckpointData data) {
        List<Rejection> rejections = new ArrayList<>();
        Set<String> rejectedRuns = checkRuns(spark, runs, data, rejections);

        List<CheckpointFile> candidates = pending.stream().filter(c -> !rejectedRuns.contains(c.runId())).toList();
        if (candidates.isEmpty()) {
            return new Outcome(rejections, List.of());
        }
        Map<String, CheckpointFile> byFile = new LinkedHashMap<>();
        candidates.forEach(c -> byFile.put(CheckpointData.key(c), c));
        data.tensorRows().where(col("file").isin(byFile.keySet().toArray())).createOrReplaceTempView("occam_tensor_rows");
        filesFrame(spark, candidates).createOrReplaceTempView("occam_files");
        expectedFrame(spark, runs).createOrReplaceTempView("occam_expected");

        Set<String> unreadable = new HashSet<>(spark.sql("SELECT f.file FROM occam_files f LEFT ANTI JOIN "
                + "(SELECT DISTINCT file FROM occam_tensor_rows) r ON f.file = r.file").as(Encoders.STRING()).collectAsList());
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
                         sum(CASE WHEN r.run_id <> f.run_id OR r.step <> f.step THEN 1 ELSE 0 END) AS rows_of_other_checkpoints,
                         sum(CASE WHEN coalesce(r.schema_version, 0) BETWEEN 1 AND %d THEN 0 ELSE 1 END) AS rows_of_unknown_version,
                         max(r.schema_version) AS max_schema_version
                  FROM occam_tensor_rows r JOIN occam_files f ON r.file = f.file GROUP BY r.file),
                grid AS (
                  SELECT f.file, f.run_id, f.step, e.tensor, e.expected_shape, e.expected_elements
                  FROM occam_files f JOIN occam_expected e ON f.run_id = e.run_id)
                SELECT coalesce(g.file, s.file) AS file, coalesce(g.tensor, s.tensor) AS tensor,
                       g.expected_shape, g.expected_elements, s.chunks, s.distinct_chunks, s.declared_chunks,
                       s.shape_variants, s.shape, s.elements, s.non_finite_chunks, s.bad_dtype_chunks,
                       k.rows_with_null_keys, k.rows_of_other_checkpoints, k.rows_of_unknown_version, k.max_schema_version
                FROM grid g FULL OUTER JOIN summary s ON g.file = s.file AND g.tensor = s.tensor
                LEFT JOIN keys k ON coalesce(g.file, s.file) = k.file
                """.formatted(VERSION))
                .where(col("file").isin(byFile.keySet().stream().filter(f -> !unreadable.contains(f)).toArray()))
                .cache();

        Dataset<Row> flagged = Deequ.rowResults(spark, Deequ.verify(perTensor, TENSOR_RULES), perTensor);
        flagged.createOrReplaceTempView("occam_flagged");
        // one pass for every rule: (rule, reason) of each failed rule; a reason shared by several tensors (a
        // file-level one) is written once
        String failures = TENSOR_RULES.stream().map(rule -> "struct('" + rule.name() + "' AS rule, CASE WHEN NOT coalesce(`"
                + rule.name() + "`, false) THEN " + REASONS.get(rule.name()) + " END AS reason)")
                .collect(Collectors.joining(", ", "inline(array(", "))"));
        Set<String> rejectedFiles = new HashSet<>(unreadable);
        for (Row f : spark.sql("SELECT file, rule, array_sort(array_distinct(collect_list(reason))) AS reasons FROM "
                + "(SELECT file, " + failures + " FROM occam_flagged) WHERE reason IS NOT NULL GROUP BY file, rule")
                .collectAsList()) {
            CheckpointFile c = byFile.get(f.getString(0));
            List<String> reasons = f.getList(2);
            String reason = String.join("; ", reasons.subList(0, Math.min(4, reasons.size())))
                    + (reasons.size() > 4 ? "; and " + (reasons.size() - 4) + " more" : "");
            rejections.add(new Rejection(c.runId(), c.step(), f.getString(1), reason, c.path()));
            rejectedFiles.add(f.getString(0));
        }
        perTensor.unpersist();
        List<CheckpointFile> passing = byFile.entrySet().stream().filter(e -> !rejectedFiles.contains(e.getKey()))
                .map(Map.Entry::getValue).toList();
        return new Outcome(rejections, passing);
    }

    private static Set<String> checkRuns(SparkSession spark, List<RunInput> runs, CheckpointData data,
            List<Rejection> rejections) {
        StructType schema = new StructType()
                .add("run_id", DataTypes.StringType, false)
                .add("runs_file", DataTypes.StringType, true)
                .add("schema_version", DataTypes.IntegerType, false)
                .add("examples_version", DataTypes.IntegerType, true)
                .add("spec_error", DataTypes.StringType, true)
                .add("train_examples", DataTypes.IntegerType, false)
                .add("n_train", DataTypes.IntegerType, false)
                .add("unreadable", DataTypes.StringType, true);
        List<Row> rows = runs.stream().map(r -> RowFactory.create(r.runId(), r.runsFile(), r.schemaVersion(),
                data.examplesVersion().get(r.runId()), r.specError(),
                data.trainSplits().getOrDefault(r.runId(), List.of()).size(), r.nTrain(), r.unreadable())).toList();
        if (rows.isEmpty()) {
            return Set.of();
        }
        Map<String, RunInput> byId = new LinkedHashMap<>();
        runs.forEach(r -> byId.put(r.runId(), r));
        Dataset<Row> frame = spark.createDataFrame(rows, schema);
        Dataset<Row> flagged = Deequ.rowResults(spark, Deequ.verify(frame, RUN_RULES), frame);
        Set<String> rejected = new HashSet<>();
        for (Row r : flagged.collectAsList()) {
            RunInput run = byId.get(r.<String>getAs("run_id"));
            for (Deequ.Rule rule : RUN_RULES) {
                Boolean ok = r.getAs(rule.name());
                if (ok == null || !ok) {
                    rejected.add(run.runId());
                    rejections.add(new Rejection(run.runId(), null, rule.name(), runReason(rule.name(), run, r),
                            run.registered() ? run.runsFile() : run.root() + "/" + Table.CHECKPOINTS.tableName()
                                    + "/run_id=" + run.runId()));
                }
            }
        }
        return rejected;
    }

    private static String runReason(String rule, RunInput run, Row r) {
        return switch (rule) {
            case "run_registered" -> "the run has checkpoints but no runs row (" + Table.RUNS.tableName() + "/run_id="
                    + run.runId() + "/run.parquet is missing)";
            case "schema_version_known" -> "runs row schema_version " + r.getAs("schema_version") + ", examples "
                    + r.getAs("examples_version") + "; this occam reads 1.." + VERSION + ": upgrade occam";
            case "model_spec_known" -> r.getAs("spec_error");
            case "runs_row_readable" -> "the runs row cannot be read: " + r.getAs("unreadable");
            case "split_present" -> "the run has no training examples in examples/run_id=" + run.runId();
            default -> "examples hold " + r.getAs("train_examples") + " training rows, runs says n_train = " + r.getAs("n_train");
        };
    }

    private static Dataset<Row> filesFrame(SparkSession spark, List<CheckpointFile> files) {
        StructType schema = new StructType().add("file", DataTypes.StringType, false)
                .add("run_id", DataTypes.StringType, false).add("step", DataTypes.IntegerType, false);
        return spark.createDataFrame(files.stream()
                .map(c -> RowFactory.create(CheckpointData.key(c), c.runId(), c.step())).toList(), schema);
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

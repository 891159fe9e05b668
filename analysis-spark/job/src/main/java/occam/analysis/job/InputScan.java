package occam.analysis.job;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import occam.schemas.ModelSpec;
import occam.schemas.ParquetMagic;
import occam.schemas.Table;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Finds the runs and checkpoint files of one or more archive roots (any Hadoop file system) by listing, so
 * only the checkpoints that still need work are ever read. Hidden temporary files of unfinished writes do not
 * match the patterns and are never seen.
 */
final class InputScan {

    private static final Pattern RUN_DIR = Pattern.compile("run_id=([A-Za-z0-9._-]+)");
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d+)\\.parquet");

    /**
     * A run of the archive, with its model spec when the spec is one the engine knows. A run that has checkpoints but
     * no {@code runs} row has {@code runsFile} null (and no spec): the checks quarantine it.
     */
    record RunInput(String root, String runId, int p, ModelSpec spec, String specError, int nTrain, String runsFile,
            int schemaVersion, String unreadable) implements Serializable {

        boolean registered() {
            return runsFile != null;
        }
    }

    /** A checkpoint file: one unit of work. */
    record CheckpointFile(String runId, int step, String path) implements Serializable {
        String key() {
            return runId + "@" + step;
        }
    }

    record Result(List<RunInput> runs, List<CheckpointFile> checkpoints, List<String> duplicateRuns) {}

    private InputScan() {}

    static Result scan(SparkSession spark, List<String> roots, Predicate<String> runFilter) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Map<String, String> runsFileById = new LinkedHashMap<>();
        Map<String, String> rootById = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<CheckpointFile> checkpoints = new ArrayList<>();
        for (String root : roots) {
            for (FileStatus runFile : glob(conf, new Path(root, Table.RUNS.tableName() + "/run_id=*/run.parquet"))) {
                String runId = runId(runFile.getPath().getParent());
                if (runId == null || !runFilter.test(runId)) {
                    continue;
                }
                if (runsFileById.containsKey(runId)) {
                    duplicates.add(runId + " (in " + rootById.get(runId) + " and " + root + ")");
                    continue;
                }
                runsFileById.put(runId, runFile.getPath().toString());
                rootById.put(runId, root);
                checkpoints.addAll(checkpointFiles(conf, root, runId));
            }
        }
        // checkpoints of a run the runs table does not know: listed too, so the checks quarantine them
        Map<String, String> unregistered = new LinkedHashMap<>();
        for (String root : roots) {
            for (FileStatus dir : glob(conf, new Path(root, Table.CHECKPOINTS.tableName() + "/run_id=*"))) {
                String runId = runId(dir.getPath());
                if (runId != null && runFilter.test(runId) && !rootById.containsKey(runId)
                        && !unregistered.containsKey(runId)) {
                    unregistered.put(runId, root);
                    checkpoints.addAll(checkpointFiles(conf, root, runId));
                }
            }
        }
        checkpoints.sort(Comparator.comparing(CheckpointFile::runId).thenComparingInt(CheckpointFile::step));
        List<RunInput> runs = readRuns(spark, runsFileById, rootById);
        unregistered.forEach((runId, root) -> runs.add(new RunInput(root, runId, 0, null, null, 0, null, 0, null)));
        runs.sort(Comparator.comparing(RunInput::runId));
        return new Result(runs, checkpoints, duplicates);
    }

    private static List<CheckpointFile> checkpointFiles(Configuration conf, String root, String runId) {
        List<CheckpointFile> out = new ArrayList<>();
        for (FileStatus f : glob(conf, new Path(root, Table.CHECKPOINTS.tableName() + "/run_id=" + runId + "/step-*.parquet"))) {
            Matcher m = STEP_FILE.matcher(f.getPath().getName());
            if (m.matches()) {
                out.add(new CheckpointFile(runId, Integer.parseInt(m.group(1)), f.getPath().toString()));
            }
        }
        return out;
    }

    private static List<RunInput> readRuns(SparkSession spark, Map<String, String> allFiles, Map<String, String> roots) {
        List<RunInput> runs = new ArrayList<>();
        // a damaged runs file is that run's problem, named by the checks; Spark would only skip it, or fail the scan
        Map<String, String> files = new LinkedHashMap<>();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        allFiles.forEach((runId, file) -> {
            String damage = parquetDamage(conf, new Path(file));
            if (damage == null) {
                files.put(runId, file);
            } else {
                runs.add(unreadable(roots.get(runId), runId, file, damage));
            }
        });
        if (files.isEmpty()) {
            return runs;
        }
        // mergeSchema: runs files written before position_rows existed lack the column (read as seq_len)
        Dataset<Row> runsRows = spark.read().option("mergeSchema", "true").parquet(files.values().toArray(String[]::new));
        String positionRows = Arrays.asList(runsRows.columns()).contains("position_rows")
                ? "coalesce(position_rows, seq_len) AS position_rows" : "seq_len AS position_rows";
        List<Row> rows = runsRows
                .selectExpr("run_id", "architecture", "vocab_size", "seq_len", "d_model", "num_heads", "d_mlp",
                        "num_layers", "activation", "layer_norm_eps", "probability_clip", "n_train", "input_file_name() AS file", "p",
                        positionRows, "schema_version")
                .collectAsList();
        for (Row r : rows) {
            String runId = r.getString(0);
            ModelSpec spec = null;
            String error = null;
            try {
                spec = new ModelSpec(r.getString(1), r.getInt(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6),
                        r.getInt(7), r.getString(8), r.getDouble(9), r.getDouble(10), r.getInt(14));
            } catch (IllegalArgumentException | NullPointerException e) {
                error = "unknown model spec: " + e.getMessage();
            }
            runs.add(new RunInput(roots.get(runId), runId, r.getInt(13), spec, error, r.getInt(11), r.getString(12),
                    r.isNullAt(15) ? 0 : r.getInt(15), null));
        }
        java.util.Set<String> read = new java.util.HashSet<>();
        runs.forEach(r -> read.add(r.runId()));
        files.forEach((runId, file) -> {
            if (!read.contains(runId)) { // skipped by Spark as corrupt (spark.sql.files.ignoreCorruptFiles)
                runs.add(unreadable(roots.get(runId), runId, file, "Spark could not read its row (a damaged Parquet file)"));
            }
        });
        return runs;
    }

    private static RunInput unreadable(String root, String runId, String file, String why) {
        return new RunInput(root, runId, 0, null, null, 0, file, 0, file + ": " + why);
    }

    /** Null when {@code file} is framed as Parquet ({@link ParquetMagic}); else what is wrong with it. */
    static String parquetDamage(Configuration conf, Path file) {
        try {
            return ParquetMagic.damage(conf, file);
        } catch (java.io.IOException e) {
            return "cannot be read: " + e.getMessage();
        }
    }

    private static String runId(Path dir) {
        Matcher m = RUN_DIR.matcher(dir.getName());
        return m.matches() ? m.group(1) : null;
    }

    private static FileStatus[] glob(Configuration conf, Path pattern) {
        try {
            FileSystem fs = pattern.getFileSystem(conf);
            FileStatus[] found = fs.globStatus(pattern);
            return found == null ? new FileStatus[0] : found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pattern, e);
        }
    }

    /** A run filter from comma-separated ids or globs ({@code add-*}); empty means every run. */
    static Predicate<String> runFilter(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            return id -> true;
        }
        List<Pattern> compiled = patterns.stream()
                .map(p -> Pattern.compile(Pattern.quote(p).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")))
                .toList();
        return id -> compiled.stream().anyMatch(p -> p.matcher(id).matches());
    }
}

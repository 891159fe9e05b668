package occam.analysis.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import occam.schemas.Table;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output tables under one root, {@code <root>/<table>/run_id=<id>/part-*.parquet}. A run's partition is only
 * ever replaced whole: its old rows (other settings, other checkpoints) and the new rows are written to a staging
 * directory, then the partition directory is swapped in by two renames. A swap cut short is finished or rolled back
 * by the next job ({@link #recoverInterruptedSwaps}), so no row is lost or written twice.
 */
final class OutputStore {

    private static final Logger LOG = LoggerFactory.getLogger(OutputStore.class);

    static final List<Table> TABLES = List.of(Table.EVALUATIONS, Table.COMPLEXITY, Table.BASELINES, Table.SPECTRA,
            Table.RATE_DISTORTION_FITS, Table.COARSE_MODELS, Table.QUARANTINE);

    /** Row order inside a partition, so the same rows always make the same file content. */
    private static final Map<Table, List<String>> ORDER = Map.of(
            Table.EVALUATIONS, List.of("settings_hash", "step", "point_index"),
            Table.COMPLEXITY, List.of("settings_hash", "step", "epsilon", "codec"),
            Table.BASELINES, List.of("settings_hash", "step"),
            Table.SPECTRA, List.of("settings_hash", "step", "epsilon", "tensor"),
            Table.RATE_DISTORTION_FITS, List.of("settings_hash", "step", "codec"),
            Table.COARSE_MODELS, List.of("settings_hash", "step", "epsilon", "codec"),
            Table.QUARANTINE, List.of("settings_hash", "step", "check", "reason"));

    private static final String REPLACED = ".replaced-";

    private final SparkSession spark;
    private final Path root;
    private final FileSystem fs;

    OutputStore(SparkSession spark, String root) {
        this.spark = spark;
        this.root = new Path(root);
        try {
            this.fs = this.root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach output root " + root, e);
        }
    }

    FileSystem fileSystem() {
        return fs;
    }

    Path root() {
        return root;
    }

    /** Rows of {@code table} now in the store, or null when it has none. */
    Dataset<Row> read(Table table) {
        Path dir = new Path(root, table.tableName());
        try {
            if (!fs.exists(dir) || fs.globStatus(new Path(dir, "run_id=*/*.parquet")).length == 0) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return spark.read().schema(SparkSchemas.structType(table)).parquet(dir.toString());
    }

    /**
     * Runs with a damaged file in {@code table}: Spark skips a damaged file (ignoreCorruptFiles), so which checkpoints'
     * rows it held is unknown. Said once per file and job, or its checkpoints would be redone (or not) without a word.
     */
    private Set<String> damagedRuns(Table table) {
        Path dir = new Path(root, table.tableName());
        Set<String> runs = new HashSet<>();
        try {
            org.apache.hadoop.fs.FileStatus[] files = fs.exists(dir) ? fs.globStatus(new Path(dir, "run_id=*/*.parquet")) : null;
            for (org.apache.hadoop.fs.FileStatus f : files == null ? new org.apache.hadoop.fs.FileStatus[0] : files) {
                String damage = InputScan.parquetDamage(fs.getConf(), f.getPath());
                if (damage != null) {
                    String run = f.getPath().getParent().getName().substring("run_id=".length());
                    runs.add(run);
                    LOG.warn("output file {}: {}; its rows are ignored, so the checkpoints of run {} count as not analysed"
                            + " (its partitions are rewritten when they are analysed again)", f.getPath(), damage, run);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return runs;
    }

    /**
     * Checkpoints ({@code run@step}) analysed under these settings: those the tables that always hold rows for an
     * analysed checkpoint (complexity, evaluations, baselines) all hold, in runs none of whose output files is
     * damaged. So rows missing from one of them, or a damaged file in any table, leave the checkpoints concerned
     * pending, and their rerun rewrites every table's rows of them.
     */
    Set<String> analysed(String settingsHash) {
        Set<String> damaged = new HashSet<>();
        for (Table table : TABLES) {
            damaged.addAll(damagedRuns(table));
        }
        Set<String> done = new HashSet<>(keys(Table.COMPLEXITY, settingsHash));
        done.retainAll(keys(Table.EVALUATIONS, settingsHash));
        done.retainAll(keys(Table.BASELINES, settingsHash));
        done.removeIf(key -> damaged.contains(key.substring(0, key.lastIndexOf('@'))));
        return done;
    }

    /** Checkpoints ({@code run@step}) and whole runs ({@code run@*}) quarantined under these settings. */
    Set<String> quarantined(String settingsHash) {
        return keys(Table.QUARANTINE, settingsHash);
    }

    private Set<String> keys(Table table, String settingsHash) {
        Dataset<Row> rows = read(table);
        if (rows == null) {
            return Set.of();
        }
        return new HashSet<>(rows.where(col("settings_hash").equalTo(settingsHash))
                .selectExpr("concat(run_id, '@', coalesce(cast(step AS string), '*'))").distinct()
                .as(Encoders.STRING()).collectAsList());
    }

    /**
     * Replaces the partitions of {@code runs} in every table: old rows are kept except those of {@code redone}
     * checkpoints ({@code run@step}, or {@code run@*} for run-level quarantine rows) under {@code settingsHash},
     * which the new rows replace.
     */
    void replacePartitions(Map<Table, Dataset<Row>> newRows, Set<String> runs, Set<String> redone, String settingsHash) {
        if (runs.isEmpty()) {
            return;
        }
        Path staging = new Path(root, "_staging/" + UUID.randomUUID());
        try {
            Column inRuns = col("run_id").isin(runs.toArray());
            Column redoneKey = org.apache.spark.sql.functions.concat(col("run_id"), lit("@"),
                    org.apache.spark.sql.functions.coalesce(col("step").cast("string"), lit("*")));
            for (Table table : TABLES) {
                Dataset<Row> fresh = newRows.get(table);
                Dataset<Row> old = read(table);
                Dataset<Row> all = fresh;
                if (old != null) {
                    Dataset<Row> kept = old.where(inRuns)
                            .where(col("settings_hash").notEqual(settingsHash).or(redoneKey.isin(redone.toArray()).unary_$bang()));
                    all = kept.unionByName(fresh);
                }
                Column[] order = ORDER.get(table).stream().map(c -> col(c).asc_nulls_first()).toArray(Column[]::new);
                all.repartition(runs.size(), col("run_id"))
                        .sortWithinPartitions(order)
                        .write()
                        .partitionBy("run_id")
                        .parquet(new Path(staging, table.tableName()).toString());
            }
            for (Table table : TABLES) {
                for (String run : runs) {
                    swap(new Path(staging, table.tableName() + "/run_id=" + run),
                            new Path(root, table.tableName() + "/run_id=" + run));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace partitions under " + root, e);
        } finally {
            deleteQuietly(staging);
            deleteQuietly(new Path(root, "_staging"), false);
        }
    }

    /** Moves the old partition aside, the new one in, then drops the old one. */
    private void swap(Path staged, Path target) throws IOException {
        Path aside = new Path(target.getParent(), REPLACED + target.getName());
        fs.mkdirs(target.getParent());
        boolean hadOld = fs.exists(target);
        if (hadOld && !fs.rename(target, aside)) {
            throw new IOException("cannot move " + target + " aside");
        }
        if (fs.exists(staged)) {
            if (!fs.rename(staged, target)) {
                throw new IOException("cannot move " + staged + " to " + target);
            }
        }
        if (hadOld) {
            fs.delete(aside, true);
        }
    }

    /**
     * After a crash between the two renames of a swap, the moved-aside partition is the one to keep. Call it holding
     * the output's lock (another job's swap in progress looks the same).
     */
    void recoverInterruptedSwaps() {
        deleteQuietly(new Path(root, "_staging")); // a killed job's half-written wave; never read
        for (Table table : TABLES) {
            try {
                Path dir = new Path(root, table.tableName());
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus s : fs.listStatus(dir)) {
                    String name = s.getPath().getName();
                    if (!name.startsWith(REPLACED)) {
                        continue;
                    }
                    Path target = new Path(dir, name.substring(REPLACED.length()));
                    if (fs.exists(target)) {
                        fs.delete(s.getPath(), true); // the new partition made it in; the old one is obsolete
                    } else {
                        fs.rename(s.getPath(), target);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot recover " + table.tableName() + " under " + root, e);
            }
        }
    }

    private void deleteQuietly(Path p) {
        deleteQuietly(p, true);
    }

    private void deleteQuietly(Path p, boolean recursive) {
        try {
            if (fs.exists(p) && (recursive || fs.listStatus(p).length == 0)) {
                fs.delete(p, recursive);
            }
        } catch (IOException e) {
            // leftovers under _staging are never read
        }
    }
}

package occam.analysis.job;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Table;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The fan-out: one Spark task per checkpoint. Rows of a checkpoint file are routed to their own partition (largest
 * checkpoints first, so uneven sizes balance), reassembled into tensors and handed to the engine. The model specs and
 * training splits travel as one broadcast, fetched once per executor.
 */
final class SearchStage {

    private static final Logger LOG = LoggerFactory.getLogger(SearchStage.class);
    static final String JOB_GROUP = "occam-search";

    /** What the engine does with one checkpoint: rows for each output table. */
    @FunctionalInterface
    interface Engine extends Serializable {
        Map<Table, List<Row>> analyze(ModelSpec spec, int labelCount, Checkpoint checkpoint, List<Example> trainSplit,
                int threads);
    }

    /** One checkpoint's outcome: the rows, or the error that stopped the engine; engine seconds for the summary. */
    record TaskResult(String runId, int step, String sourceFile, Map<Table, List<Row>> rows, String error,
            double engineSeconds) implements Serializable {}

    /** Everything a task needs besides its rows, shipped once per executor. */
    record Shared(Map<String, ModelSpec> specs, Map<String, Integer> labelCounts, Map<String, List<Example>> splits,
            Map<String, Integer> taskOfFile,
            List<CheckpointFile> tasks) implements Serializable {}

    private SearchStage() {}

    static List<TaskResult> run(SparkSession spark, Dataset<Row> tensorRows, List<CheckpointFile> passing,
            Map<String, ModelSpec> specs, Map<String, Integer> labelCounts, Map<String, List<Example>> splits,
            Engine engine, int engineThreads,
            String failOnceAt) {
        List<CheckpointFile> tasks = new ArrayList<>(passing);
        tasks.sort(Comparator.comparingLong(CheckpointFile::bytes).reversed().thenComparing(CheckpointFile::key));
        Map<String, Integer> taskOfFile = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            taskOfFile.put(new Path(tasks.get(i).path()).toString(), i);
        }
        Map<String, List<Example>> neededSplits = new HashMap<>();
        tasks.forEach(t -> neededSplits.put(t.runId(), splits.get(t.runId())));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Shared> shared = jsc.broadcast(new Shared(new HashMap<>(specs), new HashMap<>(labelCounts), neededSplits, taskOfFile, tasks));

        jsc.setJobGroup(JOB_GROUP, "occam: search " + tasks.size() + " checkpoint(s)", false);
        Progress progress = new Progress(jsc, tasks.size());
        progress.start();
        try {
            return tensorRows
                    .where(col("file").isin(taskOfFile.keySet().toArray()))
                    .select("file", "update_step", "tensor", "element_offset", "values")
                    .javaRDD()
                    .mapToPair(r -> new Tuple2<>(shared.value().taskOfFile().get(r.<String>getAs("file")), r))
                    .partitionBy(new OnePerTask(tasks.size()))
                    .mapPartitions((Iterator<Tuple2<Integer, Row>> rows) -> analyzePartition(rows, shared.value(),
                            engine, engineThreads, failOnceAt))
                    .collect();
        } finally {
            progress.interrupt();
            jsc.clearJobGroup();
            shared.destroy();
        }
    }

    private static Iterator<TaskResult> analyzePartition(Iterator<Tuple2<Integer, Row>> rows, Shared shared,
            Engine engine, int threads, String failOnceAt) {
        if (!rows.hasNext()) {
            return List.<TaskResult>of().iterator();
        }
        Tuple2<Integer, Row> first = rows.next();
        CheckpointFile task = shared.tasks().get(first._1());
        // Test-only fault injection: the first attempt of this checkpoint's task dies; Spark must retry it.
        if (task.key().equals(failOnceAt) && TaskContext.get().attemptNumber() == 0) {
            throw new IllegalStateException("injected fault in " + task.key() + " (first attempt)");
        }
        long start = System.nanoTime();
        // On a cluster each executor's log names the checkpoints it analysed (the driver only counts them).
        String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
        boolean onExecutor = !"driver".equals(executor);
        if (onExecutor) {
            LOG.info("checkpoint {}: analysing on executor {} (attempt {})", task.key(), executor,
                    TaskContext.get().attemptNumber());
        }
        ModelSpec spec = shared.specs().get(task.runId());
        try {
            Checkpoint checkpoint = assemble(task, spec, first._2(), rows);
            Map<Table, List<Row>> out = engine.analyze(spec, shared.labelCounts().get(task.runId()), checkpoint,
                    shared.splits().get(task.runId()), threads);
            if (onExecutor) {
                LOG.info(String.format("checkpoint %s: analysed on executor %s in %.1f s", task.key(), executor,
                        seconds(start)));
            }
            return List.of(new TaskResult(task.runId(), task.step(), task.path(), out, null, seconds(start))).iterator();
        } catch (RuntimeException e) {
            if (e instanceof TaskKilledException) {
                throw e; // Spark cancelled the task: not a verdict on the checkpoint
            }
            LOG.warn("checkpoint {} failed in the engine", task.key(), e);
            return List.of(new TaskResult(task.runId(), task.step(), task.path(), Map.of(),
                    e.getClass().getSimpleName() + ": " + e.getMessage(), seconds(start))).iterator();
        }
    }

    /** Places every chunk at its offset; the input checks have already proved the chunks tile each tensor. */
    private static Checkpoint assemble(CheckpointFile task, ModelSpec spec, Row first, Iterator<Tuple2<Integer, Row>> rest) {
        Map<String, float[]> values = new HashMap<>();
        Map<String, TensorSpec> specs = new HashMap<>();
        spec.tensors().forEach(t -> specs.put(t.name(), t));
        Row row = first;
        long updateStep = first.<Long>getAs("update_step");
        while (true) {
            String name = row.getAs("tensor");
            float[] all = values.computeIfAbsent(name, n -> new float[(int) specs.get(n).elementCount()]);
            int offset = (int) row.<Long>getAs("element_offset").longValue();
            List<Float> chunk = row.getList(row.fieldIndex("values"));
            for (int i = 0; i < chunk.size(); i++) {
                all[offset + i] = chunk.get(i);
            }
            if (!rest.hasNext()) {
                break;
            }
            row = rest.next()._2();
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            tensors.put(t.name(), new Tensor(t.shape(), values.get(t.name())));
        }
        return new Checkpoint(task.runId(), task.step(), updateStep, tensors);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Partition i holds task i. */
    static final class OnePerTask extends Partitioner {
        private final int n;

        OnePerTask(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OnePerTask p && p.n == n;
        }

        @Override
        public int hashCode() {
            return n;
        }
    }

    /** Logs checkpoints done / total, rate and ETA while the search runs (the Spark UI shows the same on a cluster). */
    private static final class Progress extends Thread {
        private final JavaSparkContext jsc;
        private final int total;

        Progress(JavaSparkContext jsc, int total) {
            super("occam-progress");
            setDaemon(true);
            this.jsc = jsc;
            this.total = total;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            int last = -1;
            try {
                while (!isInterrupted()) {
                    Thread.sleep(2000);
                    // a resubmitted stage counts only its own tasks: never show fewer done than before
                    int done = Math.max(Math.max(last, 0), completedSearchTasks());
                    if (done != last) {
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        double rate = done / Math.max(elapsed, 1e-9);
                        String eta = done == 0 ? "?" : String.format("%.0f s", (total - done) / rate);
                        LOG.info(String.format("search: %d/%d checkpoints, %.2f/s, ETA %s", done, total, rate, eta));
                        last = done;
                    }
                }
            } catch (InterruptedException e) {
                // the search finished
            }
        }

        private int completedSearchTasks() {
            int done = 0;
            for (int jobId : jsc.statusTracker().getJobIdsForGroup(JOB_GROUP)) {
                SparkJobInfo job = jsc.statusTracker().getJobInfo(jobId);
                if (job == null) {
                    continue;
                }
                // the search is the job's last stage: the one after the shuffle that routes rows to their task
                int last = java.util.Arrays.stream(job.stageIds()).max().orElse(-1);
                SparkStageInfo stage = jsc.statusTracker().getStageInfo(last);
                if (stage != null) {
                    done += stage.numCompletedTasks();
                }
            }
            return done;
        }
    }
}

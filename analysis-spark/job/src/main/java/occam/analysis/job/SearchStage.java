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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.job.EngineAdapter.Engine;
import occam.analysis.job.EngineAdapter.RunData;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.schemas.Checkpoint;
import occam.schemas.Table;
import org.apache.spark.Partitioner;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;

/**
 * The search step: one Spark task per checkpoint. The rows the read step holds are routed to their checkpoint's
 * partition (the costliest searches first, so uneven costs balance), turned into the engine's input by
 * {@link EngineAdapter}, and analysed. Each result reaches the driver as soon as its task ends, so the job can commit
 * finished work in waves while the search goes on.
 */
final class SearchStage {

    private static final Logger LOG = LoggerFactory.getLogger(SearchStage.class);
    static final String POOL = "occam-search";

    /** What a search's loss evaluations cost, up to a factor: parameters x training examples. */
    private static long searchCost(RunData run) {
        return run.spec().parameterCount() * run.trainSplit().size();
    }

    /** One checkpoint's outcome: its rows, or why the engine refused it; engine seconds for the summary. */
    record TaskResult(String runId, int step, String sourceFile, Map<Table, List<Row>> rows, String error,
            double engineSeconds) implements Serializable {
        String key() {
            return runId + "@" + step;
        }
    }

    /** Everything a task needs besides its rows, shipped once per executor; {@code threads} per task. */
    record Shared(Map<String, RunData> runs, Map<String, Integer> taskOfFile, List<CheckpointFile> tasks,
            AnalysisSettings settings, String settingsHash, int[] threads, Engine engine) implements Serializable {}

    private SearchStage() {}

    /**
     * Analyses {@code passing} and hands each result to {@code onResult} on the calling thread, as tasks finish;
     * {@code onIdle} runs about once a second meanwhile (time-based commits). Returns when every task has ended.
     */
    static void run(JavaSparkContext jsc, CheckpointData data, List<CheckpointFile> passing, Map<String, RunData> runs,
            AnalysisSettings settings, int threads, Engine engine, Consumer<TaskResult> onResult, Runnable onIdle) {
        if (passing.isEmpty()) {
            return;
        }
        List<CheckpointFile> tasks = new ArrayList<>(passing);
        // the costliest first, so that the cheapest fill the tail while the other slots finish: a search costs more
        // the larger the model and the split, and within a run the first epochs' checkpoints cost least (their coarse
        // models meet the bounds at once: 40-150 models each at epochs 1-13 of the demo's runs, 300-700 later)
        tasks.sort(Comparator.comparingLong((CheckpointFile t) -> searchCost(runs.get(t.runId()))).reversed()
                .thenComparing(Comparator.comparingInt(CheckpointFile::step).reversed())
                .thenComparing(CheckpointFile::key));
        Map<String, Integer> taskOfFile = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            taskOfFile.put(CheckpointData.key(tasks.get(i)), i);
        }
        Map<String, RunData> needed = new HashMap<>();
        tasks.forEach(t -> needed.put(t.runId(), runs.get(t.runId())));
        boolean local = jsc.sc().isLocal();
        Broadcast<Shared> shared = jsc.broadcast(new Shared(needed, taskOfFile, tasks, settings, settings.hash(),
                threadsPerTask(tasks.size(), threads, local ? slots(jsc) : 1), engine));

        JavaRDD<TaskResult> results = data.tensorRows()
                .where(col("file").isin(taskOfFile.keySet().toArray()))
                .select("file", "update_step", "tensor", "element_offset", "values")
                .javaRDD()
                .mapToPair(r -> new Tuple2<>(shared.value().taskOfFile().get(r.<String>getAs("file")), r))
                .partitionBy(new OnePerTask(tasks.size()))
                .mapPartitions((Iterator<Tuple2<Integer, Row>> rows) -> analyzePartition(rows, shared.value()));

        BlockingQueue<TaskResult> done = new LinkedBlockingQueue<>();
        Jobs jobs = new Jobs(jsc, results, tasks.size(), done);
        long start = System.nanoTime();
        long lastLog = start;
        int received = 0;
        int logged = 0;
        try {
            jobs.submitUpTo(received);
            while (received < tasks.size()) {
                TaskResult r = done.poll(1, TimeUnit.SECONDS);
                if (r != null) {
                    received++;
                    onResult.accept(r);
                    // after onResult: a wave it committed found the slots this job's finished tasks left free
                    jobs.submitUpTo(received);
                }
                jobs.throwIfFailed();
                if (received != logged && (System.nanoTime() - lastLog > 2_000_000_000L || received == 1 || received == tasks.size())) {
                    logged = received;
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double rate = received / Math.max(elapsed, 1e-9);
                    LOG.info(String.format("search: %d/%d checkpoints, %.2f/s, ETA %s", received, tasks.size(), rate,
                            received == 0 ? "?" : String.format("%.0f s", (tasks.size() - received) / rate)));
                    lastLog = System.nanoTime();
                }
                onIdle.run();
            }
        } catch (InterruptedException e) {
            jobs.cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the search", e);
        } catch (RuntimeException | Error e) {
            jobs.cancel();
            throw e;
        } finally {
            shared.destroy();
        }
    }

    /**
     * The search's Spark jobs. In local mode, one job per checkpoint with at most one per task slot submitted and
     * unfinished, the next submitted only when a result has been handled: a wave's commit (about 25 small Spark jobs
     * on the same driver thread) then finds the slots the finished tasks left free, instead of waiting for a search
     * task to end before each of its jobs. On a cluster, one job for every checkpoint (dynamic allocation sizes
     * itself on the pending tasks; many slots free up often). Either way each task's result is queued on the driver
     * the moment the task succeeds; the shuffle that routes the rows runs once and later jobs reuse its output.
     */
    private static final class Jobs {
        private final JavaSparkContext jsc;
        private final JavaRDD<TaskResult> rdd;
        private final int partitions;
        /** Local mode: a job per checkpoint, at most {@code inFlight} unreceived; else one job for all. */
        private final boolean perCheckpoint;
        private final int inFlight;
        private final BlockingQueue<TaskResult> done;
        private final List<SimpleFutureAction<BoxedUnit>> submitted = new ArrayList<>();
        private int next;

        Jobs(JavaSparkContext jsc, JavaRDD<TaskResult> rdd, int partitions, BlockingQueue<TaskResult> done) {
            this.jsc = jsc;
            this.rdd = rdd;
            this.partitions = partitions;
            this.done = done;
            this.perCheckpoint = jsc.sc().isLocal();
            this.inFlight = perCheckpoint ? slots(jsc) : partitions;
        }

        /** Submits checkpoints until {@code inFlight} are submitted and not yet received (all of them on a cluster). */
        void submitUpTo(int received) {
            if (next >= partitions || next - received >= inFlight) {
                return;
            }
            int upTo = Math.min(partitions, received + inFlight);
            List<Object> indices = new ArrayList<>();
            for (int i = next; i < upTo; i++) {
                indices.add(i);
            }
            String previousPool = jsc.getLocalProperty("spark.scheduler.pool");
            jsc.setLocalProperty("spark.scheduler.pool", POOL);
            // a group, so that an interrupted job can cancel the search and still commit (cancelAll)
            jsc.setLocalProperty("spark.jobGroup.id", POOL);
            jsc.setLocalProperty("spark.job.interruptOnCancel", "true");
            try {
                if (perCheckpoint) {
                    for (Object i : indices) {
                        jsc.setJobDescription("occam: search checkpoint " + ((Integer) i + 1) + " of " + partitions);
                        submitted.add(submit(List.of(i)));
                    }
                } else {
                    jsc.setJobDescription("occam: search " + partitions + " checkpoint(s)");
                    submitted.add(submit(indices));
                }
            } finally {
                jsc.setLocalProperty("spark.scheduler.pool", previousPool);
                jsc.setLocalProperty("spark.jobGroup.id", null);
                jsc.setLocalProperty("spark.job.interruptOnCancel", null);
                jsc.setJobDescription(null);
            }
            next = upTo;
        }

        /** A job that failed (Spark gave up on a task after its retries) fails the search. */
        void throwIfFailed() {
            for (SimpleFutureAction<BoxedUnit> job : submitted) {
                if (job.isCompleted() && job.value().get().isFailure()) {
                    Throwable cause = job.value().get().failed().get();
                    throw new IllegalStateException("the search failed: " + cause.getMessage(), cause);
                }
            }
            submitted.removeIf(SimpleFutureAction::isCompleted);
        }

        void cancel() {
            submitted.forEach(SimpleFutureAction::cancel);
        }

        @SuppressWarnings("unchecked")
        private SimpleFutureAction<BoxedUnit> submit(List<Object> indices) {
            scala.Function1<scala.collection.Iterator<TaskResult>, TaskResult> first =
                    (scala.Function1<scala.collection.Iterator<TaskResult>, TaskResult> & Serializable) it -> it.next();
            scala.Function2<Object, TaskResult, BoxedUnit> handler = (i, r) -> {
                done.add(r);
                return BoxedUnit.UNIT;
            };
            scala.Function0<BoxedUnit> unit = () -> BoxedUnit.UNIT;
            return (SimpleFutureAction<BoxedUnit>) (Object) jsc.sc().submitJob(rdd.rdd(), first,
                    JavaConverters.asScalaBuffer(indices).toSeq(), handler, unit);
        }
    }

    /** Cancels the search's running and waiting jobs (their tasks are interrupted); commits are other jobs. */
    static void cancelAll(org.apache.spark.SparkContext sc) {
        sc.cancelJobGroup(POOL);
    }

    /** Task slots: concurrent tasks the context runs. */
    private static int slots(JavaSparkContext jsc) {
        return Math.max(1, jsc.sc().defaultParallelism() / Math.max(1, jsc.sc().conf().getInt("spark.task.cpus", 1)));
    }

    /**
     * Engine threads of each of {@code n} tasks, in submission order: {@code threads}, except for the last ones in
     * local mode, where the last j checkpoints share the cores of all {@code slots} (threads x slots / j each), so
     * the slots that the finished checkpoints free are not idle while the last searches end. Results do not depend
     * on the thread count. On a cluster ({@code slots} 1 here) an executor's cores are its other tasks'.
     */
    static int[] threadsPerTask(int n, int threads, int slots) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(threads, threads * slots / (n - i));
        }
        return out;
    }

    private static Iterator<TaskResult> analyzePartition(Iterator<Tuple2<Integer, Row>> rows, Shared shared) {
        Tuple2<Integer, Row> first = rows.next();
        CheckpointFile task = shared.tasks().get(first._1());
        long start = System.nanoTime();
        // On a cluster each executor's log names the checkpoints it analysed (the driver only counts them).
        String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
        boolean onExecutor = !"driver".equals(executor);
        if (onExecutor) {
            LOG.info("checkpoint {}: analysing on executor {} (attempt {})", task.key(), executor,
                    TaskContext.get().attemptNumber());
        }
        RunData run = shared.runs().get(task.runId());
        Iterator<Row> all = new Iterator<>() {
            Row next = first._2();

            @Override
            public boolean hasNext() {
                return next != null || rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = next != null ? next : rows.next()._2();
                next = null;
                return r;
            }
        };
        Checkpoint checkpoint = EngineAdapter.checkpoint(task, run.spec(), all);
        try {
            Map<Table, List<Row>> out = EngineAdapter.rows(
                    shared.engine().analyze(run.context(), checkpoint, shared.settings(), shared.threads()[first._1()]),
                    shared.settingsHash());
            if (onExecutor) {
                LOG.info(String.format("checkpoint %s: analysed on executor %s in %.1f s", task.key(), executor,
                        seconds(start)));
            }
            return List.of(new TaskResult(task.runId(), task.step(), task.path(), out, null, seconds(start))).iterator();
        } catch (IllegalArgumentException e) {
            // the engine's verdict on this checkpoint's data; any other failure is the task's, and Spark retries it
            LOG.warn("checkpoint {} refused by the engine: {}", task.key(), e.getMessage());
            return List.of(new TaskResult(task.runId(), task.step(), task.path(), Map.of(),
                    e.getClass().getSimpleName() + ": " + e.getMessage(), seconds(start))).iterator();
        }
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
}

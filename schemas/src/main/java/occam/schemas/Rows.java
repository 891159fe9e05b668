package occam.schemas;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Conversions between the records of the training-side tables and their Avro rows, with row-level checks. */
final class Rows {

    static final String FLOAT32 = "float32";

    private Rows() {}

    // ---- runs

    static GenericRecord run(RunInfo r) {
        GenericRecord g = new GenericData.Record(Table.RUNS.schema());
        g.put("schema_version", Table.SCHEMA_VERSION);
        g.put("run_id", r.runId());
        g.put("task", r.task());
        g.put("p", r.p());
        g.put("train_fraction", r.trainFraction());
        g.put("n_train", r.nTrain());
        g.put("n_test", r.nTest());
        g.put("seed", r.seed());
        g.put("regime", r.regime());
        ModelSpec m = r.model();
        g.put("architecture", m.architecture());
        g.put("vocab_size", m.vocabSize());
        g.put("seq_len", m.seqLen());
        g.put("d_model", m.dModel());
        g.put("num_heads", m.numHeads());
        g.put("d_mlp", m.dMlp());
        g.put("num_layers", m.numLayers());
        g.put("activation", m.activation());
        g.put("layer_norm_eps", m.layerNormEps());
        g.put("probability_clip", m.probabilityClip());
        g.put("n_parameters", m.parameterCount());
        TrainingSettings t = r.training();
        g.put("epochs", t.epochs());
        g.put("batch_size", t.batchSize());
        g.put("learning_rate", t.learningRate());
        g.put("adam_beta1", t.adamBeta1());
        g.put("adam_beta2", t.adamBeta2());
        g.put("adam_eps", t.adamEps());
        g.put("weight_decay", t.weightDecay());
        g.put("spectral_beta", t.spectralBeta());
        g.put("noise_std", t.noiseStd());
        g.put("device", r.device());
        g.put("code_version", r.codeVersion());
        g.put("created_at", r.createdAt().toEpochMilli());
        g.put("position_rows", m.positionRows());
        g.put("eval_every", t.evalEvery() > 0 ? t.evalEvery() : null);
        return g;
    }

    static RunInfo run(GenericRecord g, Path file) {
        try {
            ModelSpec model = new ModelSpec(str(g, "architecture"), (int) g.get("vocab_size"), (int) g.get("seq_len"),
                    (int) g.get("d_model"), (int) g.get("num_heads"), (int) g.get("d_mlp"), (int) g.get("num_layers"),
                    str(g, "activation"), (double) g.get("layer_norm_eps"), (double) g.get("probability_clip"),
                    g.get("position_rows") != null ? (int) g.get("position_rows") : (int) g.get("seq_len"));
            TrainingSettings training = new TrainingSettings((int) g.get("epochs"), (int) g.get("batch_size"),
                    (double) g.get("learning_rate"), (double) g.get("adam_beta1"), (double) g.get("adam_beta2"),
                    (double) g.get("adam_eps"), (double) g.get("weight_decay"), (double) g.get("spectral_beta"),
                    (double) g.get("noise_std"), g.get("eval_every") != null ? (int) g.get("eval_every") : 0);
            return new RunInfo(str(g, "run_id"), str(g, "task"), (int) g.get("p"), (double) g.get("train_fraction"),
                    (int) g.get("n_train"), (int) g.get("n_test"), (long) g.get("seed"), str(g, "regime"), model,
                    training, str(g, "device"), str(g, "code_version"), Instant.ofEpochMilli((long) g.get("created_at")));
        } catch (IllegalArgumentException e) {
            throw new ArchiveFormatException(file, "row 0: " + e.getMessage(), e);
        }
    }

    // ---- examples

    static GenericRecord example(String runId, Example e) {
        GenericRecord g = new GenericData.Record(Table.EXAMPLES.schema());
        g.put("schema_version", Table.SCHEMA_VERSION);
        g.put("run_id", runId);
        g.put("example_id", e.exampleId());
        g.put("a", e.a());
        g.put("b", e.b());
        g.put("label", e.label());
        g.put("tokens", Arrays.stream(e.tokens()).boxed().toList());
        g.put("split", e.split());
        return g;
    }

    static Example example(GenericRecord g, Path file, int row) {
        String split = str(g, "split");
        if (!split.equals("train") && !split.equals("test")) {
            throw new ArchiveFormatException(file, "row " + row + ": split '" + split + "' is neither train nor test");
        }
        int[] tokens = ((List<?>) g.get("tokens")).stream().mapToInt(v -> (Integer) v).toArray();
        return new Example((int) g.get("example_id"), (int) g.get("a"), (int) g.get("b"), (int) g.get("label"), tokens,
                split.equals("train"));
    }

    // ---- metrics

    static GenericRecord metrics(String runId, EpochMetrics m) {
        GenericRecord g = new GenericData.Record(Table.METRICS.schema());
        g.put("schema_version", Table.SCHEMA_VERSION);
        g.put("run_id", runId);
        g.put("epoch", m.epoch());
        g.put("update_step", m.updateStep());
        g.put("train_loss", m.trainLoss());
        g.put("train_accuracy", m.trainAccuracy());
        g.put("test_loss", m.testLoss());
        g.put("test_accuracy", m.testAccuracy());
        g.put("weight_norm", m.weightNorm());
        g.put("mean_spectral_entropy", m.meanSpectralEntropy());
        g.put("mean_effective_rank", m.meanEffectiveRank());
        g.put("spectral_entropy", new LinkedHashMap<>(m.spectralEntropy()));
        g.put("effective_rank", new LinkedHashMap<>(m.effectiveRank()));
        g.put("elapsed_seconds", m.elapsedSeconds());
        return g;
    }

    static EpochMetrics metrics(GenericRecord g) {
        return new EpochMetrics((int) g.get("epoch"), (long) g.get("update_step"), (double) g.get("train_loss"),
                (double) g.get("train_accuracy"), (double) g.get("test_loss"), (double) g.get("test_accuracy"),
                (double) g.get("weight_norm"), (double) g.get("mean_spectral_entropy"),
                (double) g.get("mean_effective_rank"), doubleMap(g.get("spectral_entropy")),
                doubleMap(g.get("effective_rank")), (double) g.get("elapsed_seconds"));
    }

    // ---- checkpoints

    /** One row per chunk of at most {@code chunkElements} values, tensors in the checkpoint's order. */
    static List<GenericRecord> checkpoint(Checkpoint c, int chunkElements) {
        return tensorRows(Table.CHECKPOINTS, c.runId(), c.step(), c.updateStep(), c.tensors(), chunkElements, g -> {});
    }

    /** A state's rows: the checkpoint layout, each row also carrying the state's scalars. */
    static List<GenericRecord> trainingState(TrainingState s, int chunkElements) {
        Map<String, Tensor> buffers = new LinkedHashMap<>();
        s.firstMoments().forEach((name, t) -> buffers.put(TrainingState.FIRST + name, t));
        s.secondMoments().forEach((name, t) -> buffers.put(TrainingState.SECOND + name, t));
        return tensorRows(Table.TRAINING_STATE, s.runId(), s.step(), s.updateStep(), buffers, chunkElements, g -> {
            g.put("batch_order_state", s.batchOrderState());
            g.put("noise_seed", s.noiseSeed());
            g.put("elapsed_seconds", s.elapsedSeconds());
        });
    }

    static TrainingState trainingState(List<GenericRecord> rows, Path file) {
        Checkpoint buffers = checkpoint(rows, file); // same layout: reassembles and checks the chunks
        GenericRecord first = rows.get(0);
        long batchOrder = (long) first.get("batch_order_state");
        long noiseSeed = (long) first.get("noise_seed");
        double elapsed = (double) first.get("elapsed_seconds");
        for (int r = 1; r < rows.size(); r++) {
            GenericRecord g = rows.get(r);
            if ((long) g.get("batch_order_state") != batchOrder || (long) g.get("noise_seed") != noiseSeed
                    || Double.compare((double) g.get("elapsed_seconds"), elapsed) != 0) {
                throw new ArchiveFormatException(file, "row " + r + ": batch_order_state, noise_seed or elapsed_seconds"
                        + " differs from row 0's");
            }
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        Map<String, Tensor> v = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : buffers.tensors().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(TrainingState.FIRST)) {
                m.put(name.substring(TrainingState.FIRST.length()), e.getValue());
            } else if (name.startsWith(TrainingState.SECOND)) {
                v.put(name.substring(TrainingState.SECOND.length()), e.getValue());
            } else {
                throw new ArchiveFormatException(file, "tensor '" + name + "' is neither " + TrainingState.FIRST
                        + "<name> nor " + TrainingState.SECOND + "<name>");
            }
        }
        try {
            return new TrainingState(buffers.runId(), buffers.step(), buffers.updateStep(), batchOrder, noiseSeed, elapsed, m, v);
        } catch (IllegalArgumentException e) {
            throw new ArchiveFormatException(file, e.getMessage(), e);
        }
    }

    private static List<GenericRecord> tensorRows(Table table, String runId, int step, long updateStep,
            Map<String, Tensor> tensors, int chunkElements, java.util.function.Consumer<GenericRecord> extra) {
        List<GenericRecord> rows = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            float[] values = t.values();
            int chunks = Math.max(1, (values.length + chunkElements - 1) / chunkElements);
            List<Integer> shape = Arrays.stream(t.shape()).boxed().toList();
            for (int i = 0; i < chunks; i++) {
                int from = i * chunkElements;
                int to = Math.min(values.length, from + chunkElements);
                List<Float> chunk = new ArrayList<>(to - from);
                for (int k = from; k < to; k++) {
                    chunk.add(values[k]);
                }
                GenericRecord g = new GenericData.Record(table.schema());
                g.put("schema_version", Table.SCHEMA_VERSION);
                g.put("run_id", runId);
                g.put("step", step);
                g.put("update_step", updateStep);
                extra.accept(g);
                g.put("tensor", e.getKey());
                g.put("shape", shape);
                g.put("dtype", FLOAT32);
                g.put("chunk_index", i);
                g.put("chunk_count", chunks);
                g.put("element_offset", (long) from);
                g.put("values", chunk);
                rows.add(g);
            }
        }
        return rows;
    }

    /** Reassembles the tensors of one checkpoint file, checking that the chunks tile each tensor exactly. */
    static Checkpoint checkpoint(List<GenericRecord> rows, Path file) {
        if (rows.isEmpty()) {
            throw new ArchiveFormatException(file, "no rows");
        }
        String runId = str(rows.get(0), "run_id");
        int step = (int) rows.get(0).get("step");
        long updateStep = (long) rows.get(0).get("update_step");
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        Map<String, BitSet> covered = new HashMap<>();
        Map<String, Integer> chunkCounts = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            GenericRecord g = rows.get(r);
            String tensor = str(g, "tensor");
            String where = "row " + r + " (tensor " + tensor + "): ";
            if (!runId.equals(str(g, "run_id")) || step != (int) g.get("step")) {
                throw new ArchiveFormatException(file, where + "belongs to " + g.get("run_id") + "@" + g.get("step")
                        + ", but the file holds " + runId + "@" + step);
            }
            if (!FLOAT32.equals(str(g, "dtype"))) {
                throw new ArchiveFormatException(file, where + "dtype '" + g.get("dtype") + "' is not " + FLOAT32);
            }
            int[] shape = ((List<?>) g.get("shape")).stream().mapToInt(v -> (Integer) v).toArray();
            long count = TensorSpec.elementCount(shape);
            if (Arrays.stream(shape).anyMatch(d -> d <= 0) || count > Integer.MAX_VALUE) {
                throw new ArchiveFormatException(file, where + "invalid shape " + Arrays.toString(shape));
            }
            float[] all = values.computeIfAbsent(tensor, k -> new float[(int) count]);
            int[] known = shapes.putIfAbsent(tensor, shape);
            if (known != null && !Arrays.equals(known, shape)) {
                throw new ArchiveFormatException(file, where + "shape " + Arrays.toString(shape)
                        + " differs from the tensor's earlier chunk " + Arrays.toString(known));
            }
            int chunkCount = (int) g.get("chunk_count");
            chunkCounts.putIfAbsent(tensor, chunkCount);
            List<?> chunk = (List<?>) g.get("values");
            long offset = (long) g.get("element_offset");
            if (offset < 0 || offset + chunk.size() > all.length) {
                throw new ArchiveFormatException(file, where + "chunk " + g.get("chunk_index") + " covers elements ["
                        + offset + ", " + (offset + chunk.size()) + ") outside the shape's " + all.length);
            }
            BitSet bits = covered.computeIfAbsent(tensor, k -> new BitSet(all.length));
            int overlap = bits.nextSetBit((int) offset);
            if (overlap >= 0 && overlap < offset + chunk.size()) {
                throw new ArchiveFormatException(file, where + "chunk " + g.get("chunk_index") + " repeats element " + overlap);
            }
            bits.set((int) offset, (int) offset + chunk.size());
            for (int k = 0; k < chunk.size(); k++) {
                all[(int) offset + k] = (Float) chunk.get(k);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            int seen = covered.get(e.getKey()).cardinality();
            if (seen != e.getValue().length) {
                throw new ArchiveFormatException(file, "tensor " + e.getKey() + ": shape "
                        + Arrays.toString(shapes.get(e.getKey())) + " has " + e.getValue().length
                        + " elements but its " + chunkCounts.get(e.getKey()) + " chunk(s) hold " + seen);
            }
            tensors.put(e.getKey(), new Tensor(shapes.get(e.getKey()), e.getValue()));
        }
        return new Checkpoint(runId, step, updateStep, tensors);
    }

    // ---- helpers

    private static String str(GenericRecord g, String field) {
        Object v = g.get(field);
        return v == null ? null : v.toString();
    }

    private static Map<String, Double> doubleMap(Object avroMap) {
        Map<String, Double> out = new LinkedHashMap<>();
        ((Map<?, ?>) avroMap).forEach((k, v) -> out.put(k.toString(), (Double) v));
        return out;
    }
}

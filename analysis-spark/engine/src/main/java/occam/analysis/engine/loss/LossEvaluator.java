package occam.analysis.engine.loss;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import occam.analysis.engine.model.CoarseModel;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.TensorSpec;

/**
 * Loss, data bits and accuracy of any model of one spec on one training split, without DJL.
 *
 * <p>The model, as the trainer defines it: h = token_emb[tok] + pos_emb[pos]; per layer (post-LN)
 * h = LN1(h + Attention(h)), h = LN2(h + W_out gelu_tanh(h W_in + b_in) + b_out), attention with every head
 * over every position (no causal mask), scores q.k / sqrt(d_head); logits = h[last] W_output + b_output;
 * loss = mean -ln clip(softmax(logits)[y], c, 1 - c). See {@link Forward} for how the work is shared.
 *
 * <p>Prepare once per split, then {@link #evaluate} any number of models, from any number of threads (each call
 * borrows its own scratch arrays). Results do not depend on the thread.
 */
public final class LossEvaluator {

    private final ModelSpec spec;
    private final TokenSlots slots;
    private final int[] labels;
    private final int maxRank;
    private final Deque<Workspace> idle = new ArrayDeque<>();

    private LossEvaluator(ModelSpec spec, TokenSlots slots, int[] labels) {
        this.spec = spec;
        this.slots = slots;
        this.labels = labels;
        int r = 1;
        for (TensorSpec t : spec.matrices()) {
            r = Math.max(r, Math.min(t.shape()[0], t.shape()[1]));
        }
        this.maxRank = r;
    }

    /** Checks the examples against the spec (sequence length, token and label ranges) and indexes their tokens. */
    public static LossEvaluator prepare(ModelSpec spec, List<Example> split) {
        if (split.isEmpty()) {
            throw new IllegalArgumentException("the training split is empty");
        }
        int n = split.size();
        int[][] tokens = new int[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Example e = split.get(i);
            int[] t = e.tokens();
            if (t.length != spec.seqLen()) {
                throw new IllegalArgumentException("example " + e.exampleId() + " has " + t.length + " tokens, the model takes "
                        + spec.seqLen());
            }
            for (int tok : t) {
                if (tok < 0 || tok >= spec.vocabSize()) {
                    throw new IllegalArgumentException("example " + e.exampleId() + ": token " + tok + " outside [0, " + spec.vocabSize() + ")");
                }
            }
            if (e.label() < 0 || e.label() >= spec.vocabSize()) {
                throw new IllegalArgumentException("example " + e.exampleId() + ": label " + e.label() + " outside [0, " + spec.vocabSize() + ")");
            }
            tokens[i] = t;
            labels[i] = e.label();
        }
        return new LossEvaluator(spec, new TokenSlots(tokens, spec.seqLen()), labels);
    }

    /** One-shot: a checkpoint's loss on a split (e.g. to compare with the trainer's own figure). */
    public static LossResult evaluate(ModelSpec spec, Checkpoint checkpoint, List<Example> split) {
        return prepare(spec, split).evaluate(CoarseModel.of(spec, checkpoint));
    }

    /**
     * The matrix-product kernel of this JVM: the Vector API one when run with
     * {@code --add-modules jdk.incubator.vector} (about 4x faster here), else plain Java. Both give identical bits.
     */
    public static String kernel() {
        return Gemm.kernelName();
    }

    public int examples() {
        return labels.length;
    }

    public ModelSpec spec() {
        return spec;
    }

    public LossResult evaluate(CoarseModel model) {
        Workspace ws = borrow();
        try {
            return new Forward(spec, slots, ws, model).run(labels);
        } finally {
            release(ws);
        }
    }

    /** The arg-max logit (first on ties) for each example of the split, in split order. */
    public int[] predictions(CoarseModel model) {
        Workspace ws = borrow();
        try {
            return new Forward(spec, slots, ws, model).predictions();
        } finally {
            release(ws);
        }
    }

    private Workspace borrow() {
        synchronized (idle) {
            Workspace ws = idle.poll();
            if (ws != null) {
                return ws;
            }
        }
        int querySlots = spec.numLayers() == 1 ? slots.slotsAt(spec.seqLen() - 1).length : slots.slotCount();
        return new Workspace(slots.examples(), spec.seqLen(), slots.slotCount(), querySlots, spec.dModel(), spec.numHeads(),
                spec.dMlp(), spec.vocabSize(), spec.numLayers(), maxRank);
    }

    private void release(Workspace ws) {
        synchronized (idle) {
            idle.push(ws);
        }
    }
}

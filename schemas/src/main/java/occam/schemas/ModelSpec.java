package occam.schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * Every size and choice of the paper's model family, recorded in {@code runs} so the analysis can rebuild the
 * forward pass without the trainer.
 *
 * <p>{@value #ARCHITECTURE}: token + learned position embedding; {@code numLayers} post-LayerNorm blocks, each
 * {@code x = LN(x + Attention(x)); x = LN(x + Mlp(x))} with full (non-causal) multi-head attention scaled by
 * 1/sqrt(d_head) and a GELU (tanh) MLP; a linear output layer applied to the last position. Every dense layer has
 * a bias. The loss is the mean cross-entropy of the last position with p(y|x) clipped to
 * [probabilityClip, 1 - probabilityClip], as the authors' code did.
 *
 * <p>{@code positionRows} is the height of the position table {@code embed.position}: {@code seqLen} (one row per
 * input position, the model the paper describes) or {@code vocabSize} (one row per vocabulary token, as in the
 * authors' released model, which allocates its position embedding with the token embedding's size). Only the
 * first {@code seqLen} rows are ever read; the others are trained parameters all the same (noise, weight decay,
 * the spectral penalty) and count in the model's size.
 */
public record ModelSpec(
        String architecture,
        int vocabSize,
        int seqLen,
        int dModel,
        int numHeads,
        int dMlp,
        int numLayers,
        String activation,
        double layerNormEps,
        double probabilityClip,
        int positionRows) implements java.io.Serializable {

    public static final String ARCHITECTURE = "decoder-postln-v1";
    public static final String GELU_TANH = "gelu_tanh";

    public ModelSpec {
        if (!ARCHITECTURE.equals(architecture)) {
            throw new IllegalArgumentException("unknown architecture '" + architecture + "', expected " + ARCHITECTURE);
        }
        if (!GELU_TANH.equals(activation)) {
            throw new IllegalArgumentException("unknown activation '" + activation + "', expected " + GELU_TANH);
        }
        requirePositive("vocabSize", vocabSize);
        requirePositive("seqLen", seqLen);
        requirePositive("dModel", dModel);
        requirePositive("numHeads", numHeads);
        requirePositive("dMlp", dMlp);
        requirePositive("numLayers", numLayers);
        if (dModel % numHeads != 0) {
            throw new IllegalArgumentException("dModel(" + dModel + ") is not a multiple of numHeads(" + numHeads + ")");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps(" + layerNormEps + ") <= 0");
        }
        if (!(probabilityClip >= 0 && probabilityClip < 0.5)) {
            throw new IllegalArgumentException("probabilityClip(" + probabilityClip + ") outside [0, 0.5)");
        }
        if (positionRows != seqLen && positionRows != vocabSize) {
            throw new IllegalArgumentException("positionRows(" + positionRows + ") is neither seqLen(" + seqLen
                    + ") nor vocabSize(" + vocabSize + ")");
        }
    }

    /** A spec with one position row per input position (every archive written before positionRows existed). */
    public ModelSpec(String architecture, int vocabSize, int seqLen, int dModel, int numHeads, int dMlp, int numLayers,
            String activation, double layerNormEps, double probabilityClip) {
        this(architecture, vocabSize, seqLen, dModel, numHeads, dMlp, numLayers, activation, layerNormEps,
                probabilityClip, seqLen);
    }

    /** Which position table a model has; see the class comment. */
    public enum PositionTable {
        /** One row per input position (seq_len rows): the model as the paper describes it. */
        SEQUENCE,
        /** One row per vocabulary token (vocab_size rows): the authors' released model. */
        VOCABULARY
    }

    public PositionTable positionTable() {
        return positionRows == seqLen ? PositionTable.SEQUENCE : PositionTable.VOCABULARY;
    }

    /**
     * The paper's model for modulus {@code p}: vocabulary p + 2 (numbers, op, '='), 4 input tokens, d_model 128,
     * 4 heads, MLP 512, LayerNorm epsilon 1e-6 (Flax's default), probabilities clipped at 1e-9.
     */
    public static ModelSpec paper(int p, int numLayers) {
        return paper(p, numLayers, PositionTable.SEQUENCE);
    }

    /** {@link #paper(int, int)} with the given position table; the trainer's default is {@link PositionTable#VOCABULARY}. */
    public static ModelSpec paper(int p, int numLayers, PositionTable positions) {
        int vocab = p + 2;
        int seq = 4;
        return new ModelSpec(ARCHITECTURE, vocab, seq, 128, 4, 512, numLayers, GELU_TANH, 1e-6, 1e-9,
                positions == PositionTable.VOCABULARY ? vocab : seq);
    }

    public int dHead() {
        return dModel / numHeads;
    }

    /** All tensors in their canonical order: the order of checkpoints, serialization and ranks_kept. */
    public List<TensorSpec> tensors() {
        List<TensorSpec> t = new ArrayList<>();
        t.add(new TensorSpec("embed.token", new int[] {vocabSize, dModel}));
        t.add(new TensorSpec("embed.position", new int[] {positionRows, dModel}));
        for (int layer = 0; layer < numLayers; layer++) {
            String l = "layers." + layer + ".";
            for (String proj : new String[] {"query", "key", "value", "output"}) {
                t.add(new TensorSpec(l + "attn." + proj + ".weight", new int[] {dModel, dModel}));
                t.add(new TensorSpec(l + "attn." + proj + ".bias", new int[] {dModel}));
            }
            t.add(new TensorSpec(l + "norm1.gain", new int[] {dModel}));
            t.add(new TensorSpec(l + "norm1.bias", new int[] {dModel}));
            t.add(new TensorSpec(l + "mlp.in.weight", new int[] {dModel, dMlp}));
            t.add(new TensorSpec(l + "mlp.in.bias", new int[] {dMlp}));
            t.add(new TensorSpec(l + "mlp.out.weight", new int[] {dMlp, dModel}));
            t.add(new TensorSpec(l + "mlp.out.bias", new int[] {dModel}));
            t.add(new TensorSpec(l + "norm2.gain", new int[] {dModel}));
            t.add(new TensorSpec(l + "norm2.bias", new int[] {dModel}));
        }
        t.add(new TensorSpec("output.weight", new int[] {dModel, vocabSize}));
        t.add(new TensorSpec("output.bias", new int[] {vocabSize}));
        return List.copyOf(t);
    }

    /** The 2-D weights, in canonical order. */
    public List<TensorSpec> matrices() {
        return tensors().stream().filter(TensorSpec::isMatrix).toList();
    }

    /** Trainable scalars. */
    public long parameterCount() {
        return tensors().stream().mapToLong(TensorSpec::elementCount).sum();
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + "(" + value + ") <= 0");
        }
    }
}

package occam.analysis.engine.loss;

/** Scratch arrays of one forward pass over the whole split, reused by evaluations on one thread at a time. */
final class Workspace {

    // layer 0, per vocabulary slot (position, token)
    final float[][] slotInput;   // [S][d]  token + position embedding
    final float[][] slotKey;     // [S][d]
    final float[][] slotValue;   // [S][d]
    final float[][] slotQuery;   // [Sq][d]
    final float[][] headQuery;   // [Sq][dh]
    final float[][] headKeyT;    // [dh][S]
    final float[][] headValue;   // [S][dh]
    final float[][] headOutput;  // [dh][d]  rows of Wo of one head, centred and scaled by the LayerNorm gain
    final float[][] headMlp;     // [dh][F]  those rows through W_in
    final float[][][] scores;    // [H][Sq][S]  q.k / sqrt(dh)
    final float[][][] valueOut;  // [H][S][d]   v_head Wo_head
    final float[][][] valueMlp;  // [H][S][F]   centred(v_head Wo_head) * gain, through W_in
    final float[][] queryCentred; // [Sq][d]
    final float[][] queryMlp;    // [Sq][F]     centred(x + b_o) * gain, through W_in

    // per example rows
    final float[][] a;           // [rows][d]
    final float[][] b;           // [rows][d]
    final float[][] mlp;         // [rows][F]
    final float[][] scratch;     // [rows][max rank, padded]  (x A) of factored weights
    final float[][] key;         // [n T][d], layers >= 1
    final float[][] value;
    final float[][] query;
    final float[][] attention;
    final float[][] headRows;    // [n][dh]
    final float[][] headRows2;   // [n][dh]
    final float[][] lastRows;    // [n] views of the last position's rows
    final float[][] logits;      // [n][V]

    Workspace(int n, int seqLen, int slots, int querySlots, int dModel, int heads, int dMlp, int vocab, int layers, int maxRank) {
        int dHead = dModel / heads;
        int rows = layers == 1 ? n : n * seqLen;
        slotInput = new float[slots][dModel];
        slotKey = new float[slots][dModel];
        slotValue = new float[slots][dModel];
        slotQuery = new float[querySlots][dModel];
        headQuery = new float[querySlots][dHead];
        headKeyT = new float[dHead][slots];
        headValue = new float[slots][dHead];
        headOutput = new float[dHead][dModel];
        headMlp = new float[dHead][dMlp];
        scores = new float[heads][querySlots][slots];
        valueOut = new float[heads][slots][dModel];
        valueMlp = new float[heads][slots][dMlp];
        queryCentred = new float[querySlots][dModel];
        queryMlp = new float[querySlots][dMlp];
        a = new float[rows][dModel];
        b = new float[rows][dModel];
        mlp = new float[rows][dMlp];
        scratch = new float[Math.max(rows, Math.max(slots, Math.max(dModel, vocab)))][Gemm.padded(Math.max(1, maxRank))];
        // every position in middle layers; the last layer (when not the first) needs one row per example
        int deep = layers > 2 ? rows : layers == 2 ? n : 0;
        key = new float[deep][dModel];
        value = new float[deep][dModel];
        query = new float[deep][dModel];
        attention = new float[deep][dModel];
        headRows = new float[layers > 1 ? n : 0][dHead];
        headRows2 = new float[layers > 1 ? n : 0][dHead];
        lastRows = new float[n][];
        logits = new float[n][vocab];
    }
}

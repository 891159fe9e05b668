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
    final float[][][] scores;    // [H][Sq][S]  q.k / sqrt(dh)
    final float[][][] valueOut;  // [H][S][d]   v_head Wo_head

    // per example rows
    final float[][] a;           // [rows][d]
    final float[][] b;           // [rows][d]
    final float[][] mlp;         // [rows][F]
    final float[][] scratch;     // [rows][max rank]  (x A) of factored weights
    final float[][] key;         // [n T][d], layers >= 1
    final float[][] value;
    final float[][] query;
    final float[][] attention;
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
        scores = new float[heads][querySlots][slots];
        valueOut = new float[heads][slots][dModel];
        a = new float[rows][dModel];
        b = new float[rows][dModel];
        mlp = new float[rows][dMlp];
        scratch = new float[Math.max(rows, Math.max(slots, Math.max(dModel, vocab)))][Math.max(1, maxRank)];
        int deep = layers > 1 ? rows : 0;
        key = new float[deep][dModel];
        value = new float[deep][dModel];
        query = new float[deep][dModel];
        attention = new float[deep][dModel];
        lastRows = new float[n][];
        logits = new float[n][vocab];
    }
}

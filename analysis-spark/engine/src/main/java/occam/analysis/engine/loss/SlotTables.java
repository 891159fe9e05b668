package occam.analysis.engine.loss;

import java.util.Arrays;

/**
 * Layer 0's work that does not depend on the example. Its input x = token_emb[tok] + pos_emb[pos] takes only S
 * values (one per vocabulary slot, {@link TokenSlots}), so per slot, into the workspace:
 * <ul>
 *   <li>ws.slotInput [S][d], keys and values [S][d], queries [Sq][d] (Sq = the slots that ask: every slot, or
 *       those at the last position when layer 0 is also the last);
 *   <li>ws.scores [H][Sq][S]: q_h.k_h / sqrt(dh) of every (query slot, key slot) pair;
 *   <li>ws.valueOut [H][S][d]: v_h Wo_h, a head's value through its rows of the output projection;
 *   <li>ws.valueMlp [H][S][F] and ws.queryMlp [Sq][F]: the MLP's first product, shared too. LN1(r) W_in =
 *       inv_std(r) * P(r) + b1 W_in with P(v) = (v - mean(v)) * g1 W_in linear in v, and r = x_t + b_o +
 *       sum_{h,j} w_hj v_hj Wo_h, so P(r) = P(x_t + b_o) + sum_{h,j} w_hj P(v_hj Wo_h); P(v_h Wo_h) = v_h M_h
 *       with M_h = centred rows of Wo_h * g1 W_in.
 * </ul>
 */
final class SlotTables {

    /** [S] slot -> its row in ws.scores and ws.queryMlp, -1 for a slot that never asks. */
    final int[] queryRow;
    /** [F] b1 W_in + b_in, the MLP's first product of the LayerNorm bias. */
    final float[] mlpBias;

    private SlotTables(int[] queryRow, float[] mlpBias) {
        this.queryRow = queryRow;
        this.mlpBias = mlpBias;
    }

    /** @param lastOnly layer 0 is also the last, so only the last position asks */
    static SlotTables compute(Pass p, boolean lastOnly) {
        Workspace ws = p.ws();
        TokenSlots slots = p.slots();
        Weights w = p.weights();
        String l = Pass.layer(0);
        int s = slots.slotCount();
        int d = p.d();
        embed(p);
        w.linear(l + "attn.key").apply(ws.slotInput, s, ws.slotKey, ws.scratch);
        w.linear(l + "attn.value").apply(ws.slotInput, s, ws.slotValue, ws.scratch);
        int[] querySlots = lastOnly ? slots.slotsAt(p.seqLen() - 1) : slots.allSlots();
        int sq = querySlots.length;
        float[][] queryIn = new float[sq][]; // [Sq][d]
        for (int q = 0; q < sq; q++) {
            queryIn[q] = ws.slotInput[querySlots[q]];
        }
        w.linear(l + "attn.query").apply(queryIn, sq, ws.slotQuery, ws.scratch);
        float[][] wo = w.linear(l + "attn.output").dense(); // [d][d]
        float[] bo = w.vector(l + "attn.output.bias", d);
        float[] g1 = w.vector(l + "norm1.gain", d);
        float[] b1 = w.vector(l + "norm1.bias", d);
        Linear win = w.linear(l + "mlp.in");
        for (int h = 0; h < p.spec().numHeads(); h++) {
            headTables(p, h, sq, wo, g1, win);
        }
        float[] shifted = new float[d]; // x + b_o
        for (int q = 0; q < sq; q++) {
            float[] x = ws.slotInput[querySlots[q]];
            for (int c = 0; c < d; c++) {
                shifted[c] = x[c] + bo[c];
            }
            LayerNorm.centreAndScale(shifted, g1, ws.queryCentred[q]);
        }
        win.applyWithoutBias(ws.queryCentred, sq, ws.queryMlp, ws.scratch);
        float[][] normBias = {new float[win.out]};
        win.apply(new float[][] {b1}, 1, normBias, ws.scratch);
        int[] queryRow = new int[s];
        Arrays.fill(queryRow, -1);
        for (int q = 0; q < sq; q++) {
            queryRow[querySlots[q]] = q;
        }
        return new SlotTables(queryRow, normBias[0]);
    }

    /** ws.slotInput[i] = token_emb[token of i] + pos_emb[position of i]. */
    private static void embed(Pass p) {
        TokenSlots slots = p.slots();
        float[][] token = p.weights().dense("embed.token"); // [V][d]
        float[][] position = p.weights().dense("embed.position"); // [T][d]
        int d = p.d();
        for (int i = 0; i < slots.slotCount(); i++) {
            float[] e = token[slots.slotToken(i)];
            float[] t = position[slots.slotPosition(i)];
            float[] x = p.ws().slotInput[i];
            for (int c = 0; c < d; c++) {
                x[c] = e[c] + t[c];
            }
        }
    }

    /** Head h's scores [Sq][S], values through Wo_h [S][d] and through M_h [S][F]. */
    private static void headTables(Pass p, int h, int sq, float[][] wo, float[] g1, Linear win) {
        Workspace ws = p.ws();
        int s = p.slots().slotCount();
        int dh = p.dh();
        int off = h * dh;
        for (int q = 0; q < sq; q++) {
            System.arraycopy(ws.slotQuery[q], off, ws.headQuery[q], 0, dh);
        }
        for (int i = 0; i < s; i++) {
            float[] k = ws.slotKey[i];
            for (int c = 0; c < dh; c++) {
                ws.headKeyT[c][i] = k[off + c];
            }
            System.arraycopy(ws.slotValue[i], off, ws.headValue[i], 0, dh);
        }
        float[][] scores = ws.scores[h];
        Gemm.multiply(ws.headQuery, sq, ws.headKeyT, dh, s, null, scores);
        float scale = p.scale();
        for (int q = 0; q < sq; q++) {
            float[] row = scores[q];
            for (int i = 0; i < s; i++) {
                row[i] *= scale;
            }
        }
        float[][] woHead = new float[dh][]; // [dh][d], head h's rows of Wo
        System.arraycopy(wo, off, woHead, 0, dh);
        Gemm.multiply(ws.headValue, s, woHead, dh, p.d(), null, ws.valueOut[h]);
        for (int e = 0; e < dh; e++) {
            LayerNorm.centreAndScale(woHead[e], g1, ws.headOutput[e]);
        }
        win.applyWithoutBias(ws.headOutput, dh, ws.headMlp, ws.scratch);
        Gemm.multiply(ws.headValue, s, ws.headMlp, dh, win.out, null, ws.valueMlp[h]);
    }
}

package occam.analysis.engine.loss;

/**
 * The two post-LayerNorm halves of a decoder layer over the first {@code rows} rows of the workspace:
 * {@code a = LN1(x + attention Wo + b_o)}, then {@code b = LN2(a + W_out gelu(a W_in + b_in) + b_out)}.
 */
final class Block {

    private Block() {}

    /** ws.a [rows][d] = LN1(x + ws.attention Wo + b_o); ws.attention [rows][d] holds the heads, joined. */
    static void addAttention(Pass p, String prefix, int rows, float[][] x) {
        Workspace ws = p.ws();
        int d = p.d();
        p.weights().linear(prefix + "attn.output").apply(ws.attention, rows, ws.a, ws.scratch);
        float[] g1 = p.weights().vector(prefix + "norm1.gain", d);
        float[] b1 = p.weights().vector(prefix + "norm1.bias", d);
        double eps = p.spec().layerNormEps();
        for (int r = 0; r < rows; r++) {
            float[] o = ws.a[r];
            float[] xr = x[r];
            for (int c = 0; c < d; c++) {
                o[c] += xr[c];
            }
            LayerNorm.apply(o, g1, b1, eps);
        }
    }

    /** ws.b [rows][d] = LN2(ws.a + MLP(ws.a)), through ws.mlp [rows][F]. */
    static void addMlp(Pass p, String prefix, int rows) {
        Workspace ws = p.ws();
        addMlp(p, prefix, ws.a, ws.mlp, ws.b, rows, false);
    }

    /**
     * b [rows][d] = LN2(a + MLP(a)) over any rows (each on its own); when {@code preactivated}, mlp [rows][F] already
     * holds a W_in + b_in (the first layer computes it from its slot tables).
     */
    static void addMlp(Pass p, String prefix, float[][] a, float[][] mlp, float[][] b, int rows, boolean preactivated) {
        Workspace ws = p.ws();
        int d = p.d();
        Linear in = p.weights().linear(prefix + "mlp.in");
        if (!preactivated) {
            in.apply(a, rows, mlp, ws.scratch);
        }
        for (int r = 0; r < rows; r++) {
            Gelu.apply(mlp[r], in.out);
        }
        p.weights().linear(prefix + "mlp.out").apply(mlp, rows, b, ws.scratch);
        float[] g2 = p.weights().vector(prefix + "norm2.gain", d);
        float[] b2 = p.weights().vector(prefix + "norm2.bias", d);
        double eps = p.spec().layerNormEps();
        for (int r = 0; r < rows; r++) {
            float[] y = b[r];
            float[] x = a[r];
            for (int c = 0; c < d; c++) {
                y[c] += x[c];
            }
            LayerNorm.apply(y, g2, b2, eps);
        }
    }
}

package occam.analysis.engine.coarse;

/**
 * How a kept matrix U_k diag(s_k) V_k^T is split into its two stored factors. The product is the same; what
 * differs is how one quantization step treats them. Under {@link #PAPER} the left factor carries the singular
 * values (entries near s_c / sqrt(m)) and the right one has unit rows (entries near 1 / sqrt(n)), so a step fit
 * for one is too fine or too coarse for the other; {@link #BALANCED} gives both factors sqrt(s_c) per triplet, so
 * the same step meets the same loss with fewer distinct codes. The paper codec searches the paper's split; the
 * integer codec may also use the balanced one (docs/codecs.md).
 */
public enum FactorSplit {
    /** U_k diag(s_k) and V_k^T (the paper's and the authors' code's). */
    PAPER("paper"),
    /** U_k diag(s_k)^1/2 and diag(s_k)^1/2 V_k^T. */
    BALANCED("balanced");

    private final String column;

    FactorSplit(String column) {
        this.column = column;
    }

    /** The value of the {@code factor_split} column. */
    public String column() {
        return column;
    }
}

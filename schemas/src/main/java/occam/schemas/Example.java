package occam.schemas;

/** One row of {@code examples}: an equation of the operation table and the split it belongs to. */
public record Example(int exampleId, int a, int b, int label, int[] tokens, boolean train) implements java.io.Serializable {

    public Example {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    public String split() {
        return train ? "train" : "test";
    }
}

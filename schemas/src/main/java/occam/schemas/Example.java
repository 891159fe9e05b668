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

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && exampleId == e.exampleId && a == e.a && b == e.b && label == e.label
                && train == e.train && java.util.Arrays.equals(tokens, e.tokens);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(exampleId, a, b, label, train) * 31 + java.util.Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Example[" + exampleId + ": " + a + ", " + b + " -> " + label + ", " + split() + "]";
    }
}

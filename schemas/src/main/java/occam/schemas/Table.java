package occam.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** The tables of the data contract; each one's Avro schema ships as {@code occam/schemas/<name>.avsc}. */
public enum Table {
    RUNS("runs"),
    EXAMPLES("examples"),
    METRICS("metrics"),
    CHECKPOINTS("checkpoints"),
    TRAINING_STATE("training_state"),
    EVALUATIONS("evaluations"),
    COMPLEXITY("complexity"),
    BASELINES("baselines"),
    SPECTRA("spectra"),
    RATE_DISTORTION_FITS("rate_distortion_fits"),
    QUARANTINE("quarantine"),
    COARSE_MODELS("coarse_models"),
    CLAIMS("claims");

    /** Written into every row; bumped only for changes old readers cannot read (schemas/README.md). */
    public static final int SCHEMA_VERSION = 2;

    private final String tableName;
    private volatile Schema schema;

    Table(String tableName) {
        this.tableName = tableName;
    }

    /** The directory name under an archive or output root. */
    public String tableName() {
        return tableName;
    }

    public Schema schema() {
        Schema s = schema;
        if (s == null) {
            String resource = "/occam/schemas/" + tableName + ".avsc";
            try (InputStream in = Table.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("schema resource " + resource + " is missing from the class path");
                }
                s = new Schema.Parser().parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
            schema = s;
        }
        return s;
    }
}

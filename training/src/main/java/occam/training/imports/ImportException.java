package occam.training.imports;

/** Input that cannot be imported: the message names the file, the tensor and the reason. */
public final class ImportException extends RuntimeException {

    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}

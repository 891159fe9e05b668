package occam.cli;

/**
 * A failure whose message says all there is to say (nothing to draw, a table missing): printed as the one line of
 * a failure, exit 1, with no stack trace to keep.
 */
public final class UserFailure extends RuntimeException {

    public UserFailure(String message) {
        super(message, null, false, false);
    }
}

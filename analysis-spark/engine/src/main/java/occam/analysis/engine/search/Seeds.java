package occam.analysis.engine.search;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Seeds derived from (run, step, epsilon, search seed) alone, so a retried task draws the same random numbers. */
public final class Seeds {

    private Seeds() {}

    /** The first 8 bytes of SHA-256("runId \0 step \0 Double.toString(epsilon) \0 searchSeed"), big-endian. */
    public static long of(String runId, int step, double epsilon, long searchSeed) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((runId + '\0' + step + '\0' + epsilon + '\0' + searchSeed).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}

package occam.schemas;

import java.util.regex.Pattern;

/** Run ids name directories (run_id=&lt;id&gt;), so they are restricted to a portable alphabet. */
public final class RunIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private RunIds() {}

    /** 1-128 characters of [A-Za-z0-9._-], not starting with '.'. */
    public static boolean isValid(String runId) {
        return runId != null && VALID.matcher(runId).matches() && !runId.startsWith(".");
    }

    public static String require(String runId) {
        if (!isValid(runId)) {
            throw new IllegalArgumentException(
                    "run id '" + runId + "' must be 1-128 characters of [A-Za-z0-9._-] and not start with '.'");
        }
        return runId;
    }
}

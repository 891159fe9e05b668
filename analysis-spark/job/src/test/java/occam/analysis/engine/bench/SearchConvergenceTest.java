package occam.analysis.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The convergence script's bad usage is one line naming the argument, before any work. */
class SearchConvergenceTest {

    @TempDir
    Path dir;

    @Test
    void badArgumentsAreNamedBeforeAnyWork() {
        assertEquals("--grid-taus x: expected an integer >= 0", message("--archive", dir.toString(), "--grid-taus", "x", "r:1"));
        assertEquals("--bogus: unknown flag", message("--archive", dir.toString(), "--bogus", "r:1"));
        assertEquals("r: expected RUN:STEP,STEP...", message("--archive", dir.toString(), "r"));
        assertEquals("r:a: step a is not an integer >= 0", message("--archive", dir.toString(), "r:a"));
        Path none = dir.resolve("none");
        assertEquals("--archive " + none + ": no such directory", message("--archive", none.toString(), "r:1"));
        assertEquals("r: no such run in " + dir + " (runs: )", message("--archive", dir.toString(), "r:1"));
    }

    private static String message(String... args) {
        return assertThrows(SearchConvergence.Usage.class, () -> SearchConvergence.run(args)).getMessage();
    }
}

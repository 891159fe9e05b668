package occam.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import occam.schemas.Table;
import occam.schemas.TableFiles;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verdicts on constructed runs whose numbers are worked out by hand in the comments. */
class ClaimsTest {

    @TempDir
    Path dir;

    /** Checkpoints at epochs 10..50; accuracy logged every 10 epochs. */
    static Claims.Run run(String regime, long seed, double[] complexity, double trainAccAt, double testAccAt, double naive,
            double qOnlyFinal, double dlFinal, double boundFinal) {
        double[] epochs = {10, 20, 30, 40, 50};
        double[] train = new double[5];
        double[] test = new double[5];
        for (int i = 0; i < 5; i++) {
            train[i] = epochs[i] >= trainAccAt ? 1.0 : 0.5;
            test[i] = epochs[i] >= testAccAt ? 1.0 : 0.1;
        }
        double[] dl = {0, 0, 0, 0, dlFinal};
        double[] bound = {0, 0, 0, 0, boundFinal};
        double[] q = {0, 0, 0, 0, qOnlyFinal};
        double[] n = {naive, naive, naive, naive, naive};
        return new Claims.Run("add-" + regime + "-s" + seed, "add", regime, seed, epochs, train, test, epochs, complexity,
                dl, bound, q, n);
    }

    static Map<String, Claims.Claim> byId(List<Claims.Claim> claims) {
        return claims.stream().collect(Collectors.toMap(Claims.Claim::claimId, c -> c));
    }

    @Test
    void theyHoldOnPaperLikeRuns() {
        // ours: memorizes at 20 (complexity 100k there), peaks at 100k, ends at 20k: 5x fall; generalizes at 40.
        // none: memorizes at 10 (80k), ends at 90k: 1.125 >= 0.7; never generalizes.
        // naive 900k / 20k = 45x >= 30; quantization-only 50k / 20k = 2.5 (ours), 180k / 90k = 2 (none): mean 2.25.
        List<Claims.Run> runs = List.of(
                run("ours", 0, new double[] {50e3, 100e3, 60e3, 30e3, 20e3}, 20, 40, 900e3, 50e3, 1e5, 0.5),
                run("none", 0, new double[] {80e3, 85e3, 88e3, 90e3, 90e3}, 10, 99, 900e3, 180e3, 9e5, 3.0));
        Map<String, Claims.Claim> c = byId(Claims.check(runs));
        assertEquals(7, c.size());
        c.values().forEach(claim -> assertEquals(Claims.Verdict.HOLDS, claim.verdict(), claim.claimId() + ": " + claim.measured()));
        assertTrue(c.get("beats_naive_bzip2").measured().contains("45.0x"), c.get("beats_naive_bzip2").measured());
        assertTrue(c.get("quantization_only_twice").measured().startsWith("mean 2.25x"), c.get("quantization_only_twice").measured());
    }

    @Test
    void theyFailWhereTheNumbersSayNo() {
        // ours: peak 100k, final 60k: 1.67x < 2 -> does not hold; none: at memorization (10) 200k, final 100k:
        // 0.5 < 0.7 -> does not hold; ours' final description length 2e6 is above none's 1e6 -> does not hold;
        // naive 900k / 60k = 15x < 30; quantization-only 70k / 60k = 1.17 and 120k / 100k = 1.2: mean 1.18 < 1.5;
        // none generalizes at 50 -> does not hold.
        List<Claims.Run> runs = List.of(
                run("ours", 0, new double[] {50e3, 100e3, 80e3, 70e3, 60e3}, 20, 40, 900e3, 70e3, 2e6, 0.5),
                run("none", 0, new double[] {200e3, 150e3, 120e3, 110e3, 100e3}, 10, 50, 900e3, 120e3, 1e6, 3.0));
        Map<String, Claims.Claim> c = byId(Claims.check(runs));
        for (String id : List.of("ours_rises_then_falls", "none_does_not_fall", "lowest_description_length",
                "beats_naive_bzip2", "quantization_only_twice", "ours_generalizes_none_does_not")) {
            assertEquals(Claims.Verdict.DOES_NOT_HOLD, c.get(id).verdict(), id + ": " + c.get(id).measured());
        }
        assertEquals(Claims.Verdict.HOLDS, c.get("lowest_bound").verdict());
    }

    @Test
    void missingDataIsNeverAPass() {
        // only a none run that never memorizes: nothing about ours can be said, and none's claim lacks memorization.
        List<Claims.Run> runs = List.of(run("none", 1, new double[] {80e3, 85e3, 88e3, 90e3, 90e3}, 99, 99, 900e3, Double.NaN, 1, 1));
        Map<String, Claims.Claim> c = byId(Claims.check(runs));
        for (String id : List.of("ours_rises_then_falls", "none_does_not_fall", "lowest_description_length", "lowest_bound",
                "beats_naive_bzip2", "quantization_only_twice", "ours_generalizes_none_does_not")) {
            assertEquals(Claims.Verdict.NOT_ENOUGH_DATA, c.get(id).verdict(), id + ": " + c.get(id).measured());
        }
    }

    @Test
    void aRunWithoutMetricsRowsIsNotReadAsNeverGeneralizing() {
        // the paper-like runs of theyHoldOnPaperLikeRuns, but ours' metrics are missing from the archive: no epoch
        // of memorization or generalization is known, so the claims that need one lack data; none's still counts
        Claims.Run ours = run("ours", 0, new double[] {50e3, 100e3, 60e3, 30e3, 20e3}, 20, 40, 900e3, 50e3, 1e5, 0.5);
        Claims.Run noMetrics = new Claims.Run(ours.runId(), ours.task(), ours.regime(), ours.seed(), new double[0], new double[0],
                new double[0], ours.steps(), ours.complexityBytes(), ours.totalDescriptionBits(), ours.generalizationBound(),
                ours.quantizationOnlyBytes(), ours.naiveBytes());
        List<Claims.Run> runs = List.of(noMetrics,
                run("none", 0, new double[] {80e3, 85e3, 88e3, 90e3, 90e3}, 10, 99, 900e3, 180e3, 9e5, 3.0));
        Map<String, Claims.Claim> c = byId(Claims.check(runs));
        for (String id : List.of("ours_rises_then_falls", "ours_generalizes_none_does_not")) {
            assertEquals(Claims.Verdict.NOT_ENOUGH_DATA, c.get(id).verdict(), id + ": " + c.get(id).measured());
            assertTrue(c.get(id).measured().contains("no metrics rows"), c.get(id).measured());
        }
        assertEquals(Claims.Verdict.HOLDS, c.get("none_does_not_fall").verdict());

        // a none run that generalizes still fails the claim, whatever ours lacks
        List<Claims.Run> generalizingNone = List.of(noMetrics,
                run("none", 0, new double[] {80e3, 85e3, 88e3, 90e3, 90e3}, 10, 30, 900e3, 180e3, 9e5, 3.0));
        assertEquals(Claims.Verdict.DOES_NOT_HOLD, byId(Claims.check(generalizingNone)).get("ours_generalizes_none_does_not").verdict());
    }

    @Test
    void theTableRoundTripsThroughParquet() {
        List<Claims.Claim> claims = Claims.check(List.of(
                run("ours", 0, new double[] {50e3, 100e3, 60e3, 30e3, 20e3}, 20, 40, 900e3, 50e3, 1e5, 0.5)));
        Path file = ClaimsTable.write(dir, "0123456789abcdef", 1.0, claims);
        ClaimsTable.write(dir, "0123456789abcdef", 1.0, claims); // replaced, not appended
        List<GenericRecord> rows = TableFiles.read(file, Table.CLAIMS);
        assertEquals(claims.size(), rows.size());
        assertEquals("ours_rises_then_falls", rows.get(0).get("claim_id").toString());
        assertEquals("holds", rows.get(0).get("verdict").toString());
    }
}

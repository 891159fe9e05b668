package occam.cli.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A run whose last checkpoint has no rows yet has no final values: the claims leave it out and say so. */
class PartlyAnalysedTest {

    private static RunSeries run(String id, double[] steps, int lastCheckpoint) {
        double[] values = new double[steps.length];
        java.util.Arrays.fill(values, 1000);
        return new RunSeries(id, "add", "ours", 0, 113, 2553, new double[] {10}, new double[] {1}, new double[] {1}, steps, values,
                values, values, values, values, values, 0, null, values, lastCheckpoint);
    }

    @Test
    void onlyRunsAnalysedThroughTheirLastCheckpointCount() {
        RunSeries whole = run("add-ours-s0", new double[] {1, 86, 1000}, 1000);
        RunSeries part = run("add-ours-s1", new double[] {1, 86, 542}, 1000);
        RunSeries none = run("add-ours-s2", new double[0], 1000);
        RunSeries unknown = run("imported", new double[] {5}, -1);
        assertTrue(whole.analysedToTheEnd());
        assertFalse(part.analysedToTheEnd(), "542 is not the last checkpoint");
        assertFalse(none.analysedToTheEnd());
        assertTrue(unknown.analysedToTheEnd(), "no checkpoint listed: nothing to wait for");
        ReportData.Loaded data = new ReportData.Loaded("0123456789abcdef", 1.0, List.of(whole, part, none), List.of());
        assertTrue(data.partlyAnalysed().equals(List.of("add-ours-s1", "add-ours-s2")), data.partlyAnalysed().toString());
        String html = ClaimsSection.html(List.of(), "claims.parquet", data.partlyAnalysed());
        assertTrue(html.contains("Left out of the claims, their last checkpoint not analysed yet: add-ours-s1, add-ours-s2."), html);
    }
}

package occam.analysis.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisSettingsTest {

    @Test
    void canonicalStringAndHashOfTheDefaults() {
        AnalysisSettings d = AnalysisSettings.defaults();
        assertEquals("engine=12;epsilons=4.0,2.0,1.0,0.5,0.25,0.125,0.0625;tauMin=0.0;gridTaus=9;deltaMin=0.001;deltaMax=1.0;"
                + "bisectionSteps=6;levels=2;refinementSteps=1;candidates=512;seed=0;boundDelta=0.05;codec=paper", d.canonicalString());
        assertEquals(16, d.hash().length());
        assertEquals(d.hash(), AnalysisSettings.defaults().hash());
        assertEquals(PINNED_DEFAULT_HASH, d.hash(), "changing the defaults or the canonical form changes every settings_hash");
    }

    @Test
    void everyFieldChangesTheHash() {
        AnalysisSettings d = AnalysisSettings.defaults();
        List<AnalysisSettings> variants = List.of(
                d.withEpsilons(List.of(4.0, 2.0)),
                d.withEpsilons(List.of(2.0, 4.0, 1.0, 0.5, 0.25, 0.125, 0.0625)),
                new AnalysisSettings(d.epsilons(), 0.4, 9, 1e-3, 1.0, 6, 2, 1, 512, 0, 0.05, "paper"),
                d.withSearch(5, 6, 2, 1),
                new AnalysisSettings(d.epsilons(), 0.0, 9, 2e-3, 1.0, 6, 2, 1, 512, 0, 0.05, "paper"),
                new AnalysisSettings(d.epsilons(), 0.0, 9, 1e-3, 2.0, 6, 2, 1, 512, 0, 0.05, "paper"),
                d.withSearch(9, 7, 2, 1),
                d.withLevels(3),
                d.withSearch(9, 6, 2, 2),
                new AnalysisSettings(d.epsilons(), 0.0, 9, 1e-3, 1.0, 6, 2, 1, 256, 0, 0.05, "paper"),
                d.withSeed(1),
                new AnalysisSettings(d.epsilons(), 0.0, 9, 1e-3, 1.0, 6, 2, 1, 512, 0, 0.01, "paper"));
        for (AnalysisSettings v : variants) {
            assertNotEquals(d.hash(), v.hash(), v.canonicalString());
        }
    }

    @Test
    void badSettingsSayWhatIsWrong() {
        AnalysisSettings d = AnalysisSettings.defaults();
        assertEquals("epsilon(-1.0) must be finite and > 0",
                assertThrows(IllegalArgumentException.class, () -> d.withEpsilons(List.of(1.0, -1.0))).getMessage());
        assertEquals("gridTaus(1) < 2: the grid needs tauMin and tau = 1",
                assertThrows(IllegalArgumentException.class, () -> d.withSearch(1, 6, 2, 1)).getMessage());
        assertEquals("bisectionSteps(6) and levels(0) must be >= 1 with bisectionSteps + levels - 1 <= 24",
                assertThrows(IllegalArgumentException.class, () -> d.withLevels(0)).getMessage());
        assertEquals("unknown codec 'zstd', expected 'paper'", assertThrows(IllegalArgumentException.class,
                () -> new AnalysisSettings(d.epsilons(), 0.0, 5, 1e-3, 1.0, 6, 2, 1, 512, 0, 0.05, "zstd")).getMessage());
    }

    private static final String PINNED_DEFAULT_HASH = "0de2a0b12f1758d5"; // echo -n <canonical string> | sha256sum | cut -c1-16
}

package occam.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import occam.analysis.job.AnalyzeCommand;
import occam.schemas.Table;
import occam.schemas.TableFiles;
import occam.training.DeviceChoice;
import occam.training.Regime;
import occam.training.Trainer;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine;

/**
 * {@code occam report} on a small real archive: task add, regimes none and ours, seeds 0 and 1, trained by the real
 * trainer and analysed by the real job at a tiny search. The reports are kept under target/aggregate-report to look at.
 */
class AggregateReportTest {

    static final Path KEEP = Path.of("target", "aggregate-report");

    @TempDir
    static Path dir;
    static Path archive;
    static Path tables;
    static ReportData.Loaded loaded;

    @BeforeAll
    static void trainAnalyseAndReport() throws Exception {
        archive = dir.resolve("archive");
        tables = dir.resolve("tables");
        for (Regime regime : List.of(Regime.NONE, Regime.OURS)) {
            for (long seed : List.of(0L, 1L)) {
                // 24 training examples in minibatches of 4: memorized within the 6 epochs
                Trainer.run(TrainingConfig.builder(Task.ADD, regime).p(11).epochs(6).batchSize(4).learningRate(3e-3)
                        .seed(seed).device(DeviceChoice.CPU).threads(1).out(archive).build());
            }
        }
        assertEquals(0, new CommandLine(new AnalyzeCommand()).execute("-i", archive.toString(), "-o", tables.toString(),
                "--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "1", "--master", "local[2]"));
        assertEquals(0, new CommandLine(new ReportCommand()).execute("-a", archive.toString(), "-t", tables.toString(), "-o",
                KEEP.resolve("two-seeds").toString()));
        loaded = ReportData.load(archive, tables, 1.0, null);
    }

    @Test
    void everyAggregatedFigureIsDrawnWithNTwoInTheLegend() throws Exception {
        assertEquals(List.of("add-none-s0", "add-none-s1", "add-ours-s0", "add-ours-s1"),
                loaded.runs().stream().map(RunSeries::runId).toList());
        assertEquals(List.of(0L, 1L, 0L, 1L), loaded.runs().stream().map(RunSeries::seed).toList());
        Path out = KEEP.resolve("two-seeds");
        for (String kind : AggregateFigures.KINDS) {
            BufferedImage image = ImageIO.read(out.resolve(kind + "-add.png").toFile());
            assertNotNull(image, kind);
            assertEquals(ChartStyle.WIDTH, image.getWidth(), kind);
        }
        // per-run figures stay
        assertTrue(Files.exists(out.resolve("complexity-add-ours-s1.png")));
        assertTrue(Files.exists(out.resolve("description-length.png")));

        Map<String, XYChart> add = AggregateFigures.byTask(loaded).get("add");
        assertEquals(AggregateFigures.KINDS.stream().map(k -> k + "-add").toList(), List.copyOf(add.keySet()));
        for (Map.Entry<String, XYChart> e : add.entrySet()) {
            Set<String> legend = legend(e.getValue());
            for (String regime : List.of("none", "ours")) {
                assertTrue(legend.stream().anyMatch(s -> s.startsWith(regime + " (n = 2)")), e.getKey() + ": " + legend);
            }
        }
        // the band: mean +- se, its own polygon series hidden from the legend, around the mean series
        XYChart dl = add.get("mean-description-length-add");
        XYSeries band = dl.getSeriesMap().get("ours (n = 2) \u00b1 se");
        assertNotNull(band, dl.getSeriesMap().keySet().toString());
        assertEquals(XYSeries.XYSeriesRenderStyle.PolygonArea, band.getXYSeriesRenderStyle());
        assertFalse(band.isShowInLegend());
        List<RunSeries> ours = loaded.runs().stream().filter(r -> r.regime().equals("ours")).toList();
        double a = ours.get(0).totalDescriptionBits()[ours.get(0).totalDescriptionBits().length - 1];
        double b = ours.get(1).totalDescriptionBits()[ours.get(1).totalDescriptionBits().length - 1];
        double[] mean = dl.getSeriesMap().get("ours (n = 2)").getYData();
        assertEquals((a + b) / 2, mean[mean.length - 1], 1e-6 * a, "mean of the two seeds' final description lengths");
        double[] edge = band.getYData();
        // n = 2: mean +- se spans exactly the two seeds' values; the outline's last upper point is the final step
        assertEquals(Math.max(a, b), edge[edge.length / 2 - 1], 1e-6 * a);
        assertEquals(Math.min(a, b), edge[edge.length / 2], 1e-6 * a);
    }

    @Test
    void theClaimsTableHasARowPerClaimWithTheVerdictsOfClaimsCheck() {
        List<Claims.Claim> expected = Claims.check(loaded.runs().stream().map(RunSeries::claimsRun).toList());
        assertEquals(7, expected.size());
        List<GenericRecord> rows = TableFiles.read(ClaimsTable.file(tables), Table.CLAIMS);
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            GenericRecord r = rows.get(i);
            Claims.Claim c = expected.get(i);
            assertEquals(c.task(), r.get("task").toString());
            assertEquals(c.claimId(), r.get("claim_id").toString());
            assertEquals(c.verdict().text, r.get("verdict").toString(), c.claimId());
            assertEquals(c.measured(), r.get("measured").toString(), c.claimId());
            assertEquals(loaded.settingsHash(), r.get("settings_hash").toString());
        }
        // paired by seed: both seeds have ours and none
        Claims.Claim dl = expected.stream().filter(c -> c.claimId().equals("lowest_description_length")).findFirst().orElseThrow();
        assertEquals(2, dl.runs());
    }

    @Test
    void indexHtmlStartsWithTheClaims() throws Exception {
        String index = Files.readString(KEEP.resolve("two-seeds/index.html"));
        String body = index.substring(index.indexOf("<body>"));
        int claims = body.indexOf("<section id=\"claims\">");
        assertTrue(claims > 0 && claims < body.indexOf("<h1>") + 60, "the claims follow the title");
        assertTrue(claims < body.indexOf("<img"), "the claims come before any figure");
        assertTrue(body.indexOf("Mean across seeds") < body.indexOf("Per run"));
        for (Claims.Claim c : Claims.check(loaded.runs().stream().map(RunSeries::claimsRun).toList())) {
            assertTrue(index.contains(Report.escape(c.claim())), c.claimId());
            assertTrue(index.contains(Report.escape(c.measured())), c.claimId());
            assertTrue(index.contains("class=\"verdict " + c.verdict().text.replace(' ', '-') + "\">" + c.verdict().text),
                    c.claimId());
        }
        for (String kind : AggregateFigures.KINDS) {
            assertTrue(index.indexOf("src=\"" + kind + "-add.png\"") < index.indexOf("Per run"), kind);
        }
    }

    @Test
    void aSingleRunAndARegimeWithOneSeedStillDrawEveryFigure() throws Exception {
        List<RunSeries> one = loaded.runs().stream().filter(r -> r.runId().equals("add-ours-s0")).toList();
        List<RunSeries> mixed = loaded.runs().stream().filter(r -> !r.runId().equals("add-none-s1")).toList();
        for (Map.Entry<String, List<RunSeries>> c : Map.of("one-run", one, "one-none-seed", mixed).entrySet()) {
            ReportData.Loaded data = new ReportData.Loaded(loaded.settingsHash(), loaded.epsilon(), c.getValue(), List.of());
            List<Claims.Claim> claims = Claims.check(c.getValue().stream().map(RunSeries::claimsRun).toList());
            Path out = KEEP.resolve(c.getKey());
            List<Path> written = Report.write(data, claims, ClaimsTable.file(tables), out);
            for (String kind : AggregateFigures.KINDS) {
                assertTrue(written.contains(out.resolve(kind + "-add.png")), kind);
                assertNotNull(ImageIO.read(out.resolve(kind + "-add.png").toFile()), kind);
            }
            Map<String, XYChart> charts = AggregateFigures.byTask(data).get("add");
            Set<String> legend = legend(charts.get("mean-complexity-add"));
            assertTrue(legend.contains("ours (n = " + (c.getKey().equals("one-run") ? 1 : 2) + ") complexity"), legend.toString());
            if (c.getKey().equals("one-run")) {
                assertFalse(legend.stream().anyMatch(s -> s.startsWith("none")), legend.toString());
                assertFalse(charts.get("mean-complexity-add").getSeriesMap().containsKey("ours (n = 1) complexity \u00b1 se"),
                        "one seed: no band");
            } else {
                assertTrue(legend.contains("none (n = 1) complexity"), legend.toString());
                assertTrue(charts.get("mean-complexity-add").getSeriesMap().containsKey("ours (n = 2) complexity \u00b1 se"));
            }
            assertTrue(Files.readString(out.resolve("index.html")).contains("<section id=\"claims\">"));
        }
    }

    private static Set<String> legend(XYChart chart) {
        return chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).map(XYSeries::getName)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}

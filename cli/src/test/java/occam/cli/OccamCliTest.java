package occam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import occam.schemas.Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line, end to end on a tiny demo, and analyze's exit statuses (the rest: ExitStatusTest). */
class OccamCliTest {

    @TempDir
    Path dir;

    @Test
    void tinyDemoTrainsAnalysesAndDrawsEveryFigure() throws Exception {
        Path out = dir.resolve("demo");
        int status = Occam.commandLine().execute("demo", "--out", out.toString(), "--p", "11", "--epochs", "6",
                "--threads", "1", "--grid-taus", "3", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "1", "--master", "local[2]");
        assertEquals(0, status);
        assertEquals(List.of("add-none-s0", "add-ours-s0", "add-wd-s0"), new Archive(out.resolve("archive")).runIds());

        List<String> pngs;
        try (Stream<Path> files = Files.list(out.resolve("report"))) {
            pngs = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList();
        }
        assertEquals(List.of("codecs.png", "complexity-add-none-s0.png", "complexity-add-ours-s0.png", "complexity-add-wd-s0.png",
                "description-length.png", "effective-rank.png", "generalization-bound.png", "mean-complexity-add.png",
                "mean-description-length-add.png", "mean-effective-rank-add.png", "mean-generalization-bound-add.png",
                "mean-quantization-only-add.png", "naive-bzip2.png", "quantization-only.png", "rate-distortion.png"), pngs);
        for (String png : pngs) {
            BufferedImage image = ImageIO.read(out.resolve("report").resolve(png).toFile());
            assertNotNull(image, png);
            assertEquals(900, image.getWidth(), png);
        }
        String index = Files.readString(out.resolve("report/index.html"));
        for (String png : pngs) {
            assertTrue(index.contains("src=\"" + png + "\""), png + " is shown in index.html");
        }
        for (String run : List.of("add-none-s0", "add-wd-s0", "add-ours-s0")) {
            assertTrue(index.contains("<td>" + run + "</td>"), run + " has a summary row");
        }

        // a second demo reuses the runs and finds every checkpoint analysed
        assertEquals(0, Occam.commandLine().execute("demo", "--out", out.toString(), "--p", "11", "--epochs", "6",
                "--grid-taus", "3", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "1", "--master", "local[2]"));

        // every reported size is backed by stored bytes that decode to a model with the reported loss ...
        String[] verify = {"verify", "-a", out.resolve("archive").toString(), "-t", out.resolve("tables").toString()};
        assertEquals(0, Occam.commandLine().execute(verify));
        // ... and one flipped byte of one stored message is found and named
        String row = flipOneByte(out.resolve("tables/coarse_models/run_id=add-ours-s0"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        try {
            assertEquals(1, Occam.commandLine().execute(verify));
        } finally {
            System.setErr(old);
        }
        assertTrue(err.toString().contains("add-ours-s0@" + row), err.toString());

        // a filter that matches no row is bad usage; tables of runs the archive lacks are named, not a crash
        assertEquals(2, Occam.commandLine().execute("verify", "-a", out.resolve("archive").toString(), "-t",
                out.resolve("tables").toString(), "--runs", "no-such-run"));
        Path partial = dir.resolve("partial");
        for (String table : List.of("runs", "examples")) {
            ImportAnalysisTest.copyTree(out.resolve("archive").resolve(table).resolve("run_id=add-wd-s0"),
                    partial.resolve(table).resolve("run_id=add-wd-s0"));
        }
        err.reset();
        System.setErr(new java.io.PrintStream(err, true));
        try {
            assertEquals(1, Occam.commandLine().execute("verify", "-a", partial.toString(), "-t", out.resolve("tables").toString()));
        } finally {
            System.setErr(old);
        }
        assertTrue(err.toString().contains("run add-none-s0: ") && err.toString().contains("has no such run"), err.toString());

        // a report from an archive that lacks some of the tables' runs says which it leaves out
        err.reset();
        System.setErr(new java.io.PrintStream(err, true));
        try {
            // into the demo's report directory: the figures of the runs it leaves out go, the rest is redrawn
            assertEquals(0, Occam.commandLine().execute("report", "-a", partial.toString(), "-t", out.resolve("tables").toString(),
                    "-o", out.resolve("report").toString()));
        } finally {
            System.setErr(old);
        }
        assertTrue(err.toString().contains("the tables hold run(s) add-none-s0, add-ours-s0 that " + partial + " does not"),
                err.toString());
        assertFalse(Files.exists(out.resolve("report/complexity-add-none-s0.png")), "a stale figure of an earlier report");
        assertTrue(Files.isRegularFile(out.resolve("report/complexity-add-wd-s0.png")));

        // tables where the claims table cannot be written (a file stands where its directory goes): figures, then exit 1
        Path claims = out.resolve("tables/claims");
        Path aside = out.resolve("claims-aside");
        Files.move(claims, aside);
        Files.writeString(claims, "in the way");
        Path figures = dir.resolve("figures-only");
        err.reset();
        System.setErr(new java.io.PrintStream(err, true));
        try {
            assertEquals(1, Occam.commandLine().execute("report", "-a", out.resolve("archive").toString(), "-t",
                    out.resolve("tables").toString(), "-o", figures.toString()));
        } finally {
            System.setErr(old);
            Files.delete(claims);
            Files.move(aside, claims);
        }
        assertTrue(Files.isRegularFile(figures.resolve("index.html")) && Files.isRegularFile(figures.resolve("complexity-add-ours-s0.png")));
        assertTrue(err.toString().contains("the figures are written, but the claims table is not: cannot write "), err.toString());
    }

    /** Rewrites the partition's Parquet file with one byte of the last checkpoint's paper message at epsilon 1 changed. */
    static String flipOneByte(Path partition) throws Exception {
        Path file;
        try (Stream<Path> files = Files.list(partition)) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Path flipped = partition.resolveSibling("flipped.parquet");
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement s = db.createStatement()) {
            String src = "read_parquet('" + file + "')";
            int step;
            try (java.sql.ResultSet rs = s.executeQuery("SELECT max(step) FROM " + src + " WHERE codec = 'paper' AND epsilon = 1.0")) {
                rs.next();
                step = rs.getInt(1);
            }
            // the 40th hex digit (inside the bzip2 stream's first block) turned into another one
            s.execute("COPY (SELECT * REPLACE (CASE WHEN codec = 'paper' AND epsilon = 1.0 AND step = " + step
                    + " THEN from_hex(substr(hex(message), 1, 39) || CASE substr(hex(message), 40, 1) WHEN '0' THEN '1' ELSE '0' END"
                    + " || substr(hex(message), 41)) ELSE message END AS message) FROM " + src + ") TO '" + flipped
                    + "' (FORMAT PARQUET)");
            Files.move(flipped, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return step + " epsilon 1.0 codec paper";
        }
    }

    @Test
    void analyzeExitsOneWhenNothingCouldBeAnalysedOrStrictAndSomethingWasQuarantined() throws Exception {
        Path archive = dir.resolve("archive");
        occam.training.Trainer.run(occam.training.TrainingConfig.builder(occam.training.task.Task.ADD,
                occam.training.Regime.NONE).p(11).epochs(2).seed(0).device(occam.training.DeviceChoice.CPU).threads(1)
                .runId("good").out(archive).build());
        Archive a = new Archive(archive);
        occam.schemas.Checkpoint real = a.readCheckpoint("good", 2);
        java.util.Map<String, occam.schemas.Tensor> poisoned = new java.util.LinkedHashMap<>();
        real.tensors().forEach((k, t) -> poisoned.put(k, new occam.schemas.Tensor(t.shape(), t.values().clone())));
        poisoned.get("output.weight").values()[0] = Float.POSITIVE_INFINITY;
        a.writeCheckpoint(new occam.schemas.Checkpoint("good", 9, 9, poisoned));

        assertEquals(1, analyze(archive, dir.resolve("t1"), "--strict"), "--strict and a checkpoint was quarantined");
        assertEquals(0, analyze(archive, dir.resolve("t2")), "a quarantined checkpoint is not fatal");
        assertEquals(0, analyze(archive, dir.resolve("t2")), "a rerun with nothing new exits 0");
        Files.delete(a.checkpointFile("good", 1));
        Files.delete(a.checkpointFile("good", 2));
        assertEquals(1, analyze(archive, dir.resolve("t3")), "only a bad checkpoint: nothing could be analysed");
    }

    private static int analyze(Path archive, Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("analyze", "-i", archive.toString(), "-o", out.toString()));
        args.addAll(List.of(extra));
        args.addAll(List.of("--grid-taus", "2", "--bisection-steps", "2", "--search-levels", "1", "--refine-steps", "0", "--master", "local[2]"));
        return Occam.commandLine().execute(args.toArray(String[]::new));
    }
}

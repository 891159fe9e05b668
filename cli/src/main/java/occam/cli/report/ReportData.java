package occam.cli.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import occam.cli.UserFailure;
import occam.cli.tables.TableFiles;
import occam.schemas.Archive;
import occam.schemas.Table;

/** Reads what the figures need with DuckDB: runs and metrics from the archive, the analysis tables for one hash. */
final class ReportData {

    private final Connection db;
    private final Path archive;
    private final Path tables;

    private ReportData(Connection db, Path archive, Path tables) {
        this.db = db;
        this.archive = archive;
        this.tables = tables;
    }

    /** The runs with analysis rows for {@code settingsHash} (null: the hash with the most complexity rows at epsilon). */
    static Loaded load(Path archive, Path tables, double epsilon, String settingsHash) throws SQLException {
        // metrics are optional: runs imported from other trainers have none (no accuracy curves, then)
        if (!TableFiles.hasFiles(archive, Table.RUNS)) {
            throw new UserFailure("archive " + archive + " has no " + Table.RUNS.tableName()
                    + " files: not an archive root (occam train and occam import write one)");
        }
        if (!Files.isDirectory(tables)) {
            throw new UserFailure("tables " + tables + ": no such directory (occam analyze writes it)");
        }
        if (!TableFiles.hasFiles(tables, Table.COMPLEXITY)) {
            throw new UserFailure(nothingAnalysed(archive, tables));
        }
        for (Table t : List.of(Table.BASELINES, Table.SPECTRA, Table.RATE_DISTORTION_FITS)) {
            if (!TableFiles.hasFiles(tables, t)) {
                throw new UserFailure("tables " + tables + " have complexity rows but no " + t.tableName()
                        + " files: not written by occam analyze, or damaged since");
            }
        }
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            ReportData data = new ReportData(db, archive, tables);
            String hash = settingsHash != null ? settingsHash : data.mostUsedHash(epsilon);
            List<RunSeries> runs = new ArrayList<>();
            for (String[] run : data.runs(hash)) {
                runs.add(data.series(run, hash, epsilon));
            }
            if (runs.isEmpty()) {
                throw new UserFailure("no run under " + tables + " has complexity rows for settings " + hash
                        + " at epsilon " + epsilon);
            }
            return new Loaded(hash, epsilon, runs, data.notInArchive(hash));
        }
    }

    /** {@code notInArchive}: runs the tables hold for the hash that the archive lacks (left out, so said). */
    record Loaded(String settingsHash, double epsilon, List<RunSeries> runs, List<String> notInArchive) {

        /** Runs whose last checkpoint has no rows yet (an analysis still under way, or interrupted). */
        List<String> partlyAnalysed() {
            return runs.stream().filter(r -> !r.analysedToTheEnd()).map(RunSeries::runId).toList();
        }
    }

    /** The step of the run's last checkpoint file in the archive, or -1 when the archive lists none. */
    private int lastCheckpoint(String runId) {
        List<Integer> steps = new Archive(archive).checkpointSteps(runId);
        return steps.isEmpty() ? -1 : steps.get(steps.size() - 1);
    }

    /** What the tables hold instead of analysis rows: nothing, or the quarantined checkpoints and their checks. */
    private static String nothingAnalysed(Path archive, Path tables) throws SQLException {
        String hint = "; occam status " + archive + " --tables " + tables + " lists the checkpoints";
        if (!TableFiles.hasFiles(tables, Table.QUARANTINE)) {
            return "nothing to draw: " + tables + " holds no analysis rows (run occam analyze first)" + hint;
        }
        StringBuilder checks = new StringBuilder();
        long checkpoints = 0;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); java.sql.Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"check\", count(*), count(DISTINCT (run_id, step)) FROM "
                        + TableFiles.scan(tables, Table.QUARANTINE) + " GROUP BY ALL ORDER BY 2 DESC, 1")) {
            while (rs.next()) {
                checks.append(checks.length() == 0 ? "" : ", ").append(rs.getString(1)).append(" x").append(rs.getLong(2));
                checkpoints += rs.getLong(3);
            }
        }
        return "nothing to draw: no checkpoint under " + tables + " was analysed: "
                + checkpoints + " checkpoint(s) were quarantined (" + checks + ")" + hint;
    }

    /** The figures show the paper codec, the paper's measure; the integer codec's rows are read by name. */
    private String table(Path root, String name) throws SQLException {
        Table t = Table.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        return t == Table.COMPLEXITY || t == Table.RATE_DISTORTION_FITS ? TableFiles.scanPaperCodec(db, root, t)
                : TableFiles.scan(root, t);
    }

    private String epsilons() throws SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT epsilon FROM " + table(tables, "complexity") + " ORDER BY epsilon DESC")) {
            while (rs.next()) {
                out.add(Figures.fmt(rs.getDouble(1)));
            }
        }
        return String.join(", ", out);
    }

    private String mostUsedHash(double epsilon) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT settings_hash FROM " + table(tables, "complexity")
                + " WHERE epsilon = ? GROUP BY settings_hash ORDER BY count(*) DESC, settings_hash LIMIT 1")) {
            s.setDouble(1, epsilon);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new UserFailure("no complexity rows at epsilon " + epsilon + " under " + tables + "; its epsilons: "
                            + epsilons());
                }
                return rs.getString(1);
            }
        }
    }

    /** Runs with complexity rows under the hash that the archive's runs table does not hold. */
    private List<String> notInArchive(String hash) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT DISTINCT run_id FROM " + table(tables, "complexity")
                + " WHERE settings_hash = ? AND run_id NOT IN (SELECT run_id FROM " + table(archive, "runs") + ") ORDER BY run_id")) {
            s.setString(1, hash);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** run_id, task, regime, p, n_train, seed of every run analysed under the hash, by task then regime. */
    private List<String[]> runs(String hash) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT r.run_id, r.task, r.regime, r.p, r.n_train, r.seed FROM "
                + table(archive, "runs") + " r WHERE r.run_id IN (SELECT DISTINCT run_id FROM " + table(tables, "complexity")
                + " WHERE settings_hash = ?) ORDER BY r.task, CASE r.regime WHEN 'none' THEN 0 WHEN 'wd' THEN 1 ELSE 2 END, r.run_id")) {
            s.setString(1, hash);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6)});
                }
            }
        }
        return out;
    }

    private RunSeries series(String[] run, String hash, double epsilon) throws SQLException {
        String id = run[0];
        double[][] m = !TableFiles.hasFiles(archive, Table.METRICS) ? new double[3][0]
                : columns("SELECT epoch, train_accuracy, test_accuracy FROM " + table(archive, "metrics")
                + " WHERE run_id = ? ORDER BY epoch", 3, id);
        double[][] c = columns("SELECT c.step, c.compressed_bytes, c.total_description_bits, c.generalization_bound,"
                + " coalesce(c.quantization_only_bytes, 'NaN'::DOUBLE), b.naive_bzip2_bytes, s.rank"
                + " FROM " + table(tables, "complexity") + " c"
                + " JOIN " + table(tables, "baselines") + " b USING (run_id, step, settings_hash)"
                + " JOIN (SELECT run_id, step, settings_hash, avg(effective_rank) AS rank FROM " + table(tables, "spectra")
                + "       WHERE epsilon = " + epsilon + " GROUP BY ALL) s USING (run_id, step, settings_hash)"
                + " WHERE c.run_id = ? AND c.settings_hash = '" + hash + "' AND c.epsilon = " + epsilon
                + " ORDER BY c.step", 7, id);
        double[][] label = columns("SELECT label_code_bits FROM " + table(tables, "baselines")
                + " WHERE run_id = ? AND settings_hash = '" + hash + "' LIMIT 1", 1, id);
        return new RunSeries(id, run[1], run[2], Long.parseLong(run[5]), Integer.parseInt(run[3]), Integer.parseInt(run[4]), m[0], m[1], m[2],
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], label[0].length > 0 ? label[0][0] : Double.NaN,
                rateDistortion(id, hash), integerBytes(id, hash, epsilon, c[0]), lastCheckpoint(id));
    }

    /** The integer codec's complexity at each of {@code steps} (NaN where it has none, e.g. tables written before it). */
    private double[] integerBytes(String id, String hash, double epsilon, double[] steps) throws SQLException {
        double[] out = new double[steps.length];
        java.util.Arrays.fill(out, Double.NaN);
        String scan = TableFiles.scan(tables, Table.COMPLEXITY);
        boolean perCodec = false;
        try (java.sql.Statement st = db.createStatement(); ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
            while (rs.next()) {
                perCodec |= "codec".equals(rs.getString(1));
            }
        }
        if (!perCodec) {
            return out;
        }
        double[][] c = columns("SELECT step, compressed_bytes FROM " + scan + " WHERE run_id = ? AND settings_hash = '" + hash
                + "' AND epsilon = " + epsilon + " AND codec = 'integer' ORDER BY step", 2, id);
        java.util.Map<Double, Double> byStep = new java.util.HashMap<>();
        for (int i = 0; i < c[0].length; i++) {
            byStep.put(c[0][i], c[1][i]);
        }
        for (int i = 0; i < steps.length; i++) {
            out[i] = byStep.getOrDefault(steps[i], Double.NaN);
        }
        return out;
    }

    private RunSeries.RateDistortion rateDistortion(String id, String hash) throws SQLException {
        double[][] fit = columns("SELECT step, slope_a, intercept_b, r_squared FROM " + table(tables, "rate_distortion_fits")
                + " WHERE run_id = ? AND settings_hash = '" + hash + "' ORDER BY step DESC LIMIT 1", 4, id);
        if (fit[0].length == 0) {
            return null;
        }
        int step = (int) fit[0][0];
        double[][] points = columns("SELECT epsilon, compressed_bytes FROM " + table(tables, "complexity")
                + " WHERE run_id = ? AND settings_hash = '" + hash + "' AND step = " + step + " ORDER BY epsilon", 2, id);
        return new RunSeries.RateDistortion(step, points[0], points[1], fit[1][0], fit[2][0], fit[3][0]);
    }

    /** The query's first {@code n} columns as doubles (NULL as NaN); the one parameter is the run id. */
    private double[][] columns(String sql, int n, String runId) throws SQLException {
        List<double[]> rows = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    double[] row = new double[n];
                    for (int i = 0; i < n; i++) {
                        double v = rs.getDouble(i + 1);
                        row[i] = rs.wasNull() ? Double.NaN : v;
                    }
                    rows.add(row);
                }
            }
        }
        double[][] out = new double[n][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < n; i++) {
                out[i][r] = rows.get(r)[i];
            }
        }
        return out;
    }
}

package occam.cli.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import occam.analysis.engine.codec.Codec;
import occam.analysis.engine.loss.LossEvaluator;
import occam.analysis.engine.loss.LossResult;
import occam.analysis.engine.model.CoarseModel;
import occam.cli.tables.InputRoots;
import occam.cli.tables.TableFiles;
import occam.schemas.Archive;
import occam.schemas.Example;
import occam.schemas.RunInfo;
import occam.schemas.Table;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Decodes the stored bytes of every selected best coarse model ({@code coarse_models}), rebuilds the model, measures
 * its training loss again on the run's archived split, and compares the message length and the loss with the
 * {@code complexity} row that reports them. The sizes occam reports are then backed by bytes anyone can decode.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decode the stored best coarse models, rebuild each one, recompute its training loss on the run's "
                + "split, and compare size and loss with the complexity rows. Any mismatch names the row and exits 1."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every selected row verified", "1:a mismatch, an undecodable message or a row without stored bytes",
                "2:bad usage (e.g. --archive is not an archive root, a bad filter)"})
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = {"-a", "--archive"}, required = true, paramLabel = "ROOT", description = "Archive root (runs, examples).")
    Path archive;

    @Option(names = {"-t", "--tables"}, required = true, paramLabel = "ROOT", description = "Analysis output root.")
    Path tables;

    @Option(names = "--runs", split = ",", paramLabel = "ID", description = "Only these runs (default: every run).")
    List<String> runs = new ArrayList<>();

    @Option(names = "--steps", split = ",", paramLabel = "N", description = "Only these checkpoint steps (default: all).")
    List<Integer> steps = new ArrayList<>();

    @Option(names = "--settings-hash", paramLabel = "HASH", description = "Only rows of these settings (default: all).")
    String settingsHash;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One complexity row with its stored message (null when none was stored). */
    record Row(String runId, int step, double epsilon, String codec, String settingsHash, long reportedBytes,
            double reportedLoss, byte[] message) {

        String key() {
            return runId + "@" + step + " epsilon " + epsilon + " codec " + codec + " settings " + settingsHash;
        }
    }

    @Override
    public Integer call() throws Exception {
        InputRoots.archive(spec, "--archive", archive);
        InputRoots.directory(spec, "--tables", tables);
        if (settingsHash != null && !settingsHash.matches("[0-9a-f]{16}")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--settings-hash " + settingsHash + ": expected 16 hex digits");
        }
        if (runs.stream().anyMatch(String::isBlank)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs: an empty run id");
        }
        if (steps.stream().anyMatch(s -> s < 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps " + steps + ": steps are >= 0");
        }
        if (!TableFiles.hasFiles(tables, Table.COARSE_MODELS) || !TableFiles.hasFiles(tables, Table.COMPLEXITY)) {
            System.err.println("occam verify: no stored coarse models under " + tables
                    + " (tables written by occam analyze before stored models existed cannot be verified)");
            return 1;
        }
        List<Row> rows = read();
        if (rows.isEmpty()) {
            boolean filtered = !runs.isEmpty() || !steps.isEmpty() || settingsHash != null;
            if (filtered) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no complexity row under " + tables
                        + " matches the filters (" + filters() + ")");
            }
            System.err.println("occam verify: no complexity row under " + tables);
            return 1;
        }
        Archive source = new Archive(archive);
        java.util.Set<String> archived = new java.util.HashSet<>(source.runIds());
        Map<String, LossEvaluator> evaluators = new HashMap<>();
        Map<String, Integer> missingRuns = new java.util.TreeMap<>();
        int failures = 0;
        for (Row row : rows) {
            if (!archived.contains(row.runId())) {
                missingRuns.merge(row.runId(), 1, Integer::sum);
                failures++;
                continue;
            }
            String problem = check(row, evaluators.computeIfAbsent(row.runId(), id -> evaluator(source, id)));
            if (problem != null) {
                failures++;
                System.err.println("occam verify: " + row.key() + ": " + problem);
            }
        }
        missingRuns.forEach((run, n) -> System.err.println("occam verify: run " + run + ": " + n + " row(s) not verified:"
                + " the archive " + archive + " has no such run (tables of another archive?)"));
        System.out.println("occam verify: " + (rows.size() - failures) + " of " + rows.size() + " row(s) verified"
                + (failures == 0 ? "" : ", " + failures + " mismatch(es)"));
        return failures == 0 ? 0 : 1;
    }

    private String filters() {
        List<String> out = new ArrayList<>();
        if (!runs.isEmpty()) {
            out.add("--runs " + String.join(",", runs));
        }
        if (!steps.isEmpty()) {
            out.add("--steps " + String.join(",", steps.stream().map(String::valueOf).toList()));
        }
        if (settingsHash != null) {
            out.add("--settings-hash " + settingsHash);
        }
        return String.join(", ", out);
    }

    private static LossEvaluator evaluator(Archive archive, String runId) {
        RunInfo run = archive.readRun(runId);
        List<Example> train = archive.readExamples(runId).stream().filter(Example::train).toList();
        return LossEvaluator.prepare(run.model(), train);
    }

    /** Null when the row holds; else what differs. */
    static String check(Row row, LossEvaluator evaluator) {
        if (row.message() == null) {
            return "no stored bytes for this row";
        }
        if (row.message().length != row.reportedBytes()) {
            return "stored message is " + row.message().length + " bytes, the complexity row says " + row.reportedBytes();
        }
        CoarseModel model;
        try {
            model = codec(row.codec()).decode(row.message());
        } catch (RuntimeException e) {
            return "stored bytes do not decode: " + e.getMessage();
        }
        LossResult loss;
        try {
            loss = evaluator.evaluate(model);
        } catch (RuntimeException e) {
            return "decoded model does not fit the run's model spec: " + e.getMessage();
        }
        if (Double.doubleToLongBits(loss.meanLossNats()) != Double.doubleToLongBits(row.reportedLoss())) {
            return "recomputed training loss " + loss.meanLossNats() + " nats, the complexity row says " + row.reportedLoss();
        }
        return null;
    }

    private static Codec codec(String name) {
        for (Codec c : List.of(Codec.PAPER, Codec.INTEGER)) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown codec " + name);
    }

    private List<Row> read() throws Exception {
        StringBuilder where = new StringBuilder(" WHERE c.source = 'search'");
        List<Object> args = new ArrayList<>();
        if (!runs.isEmpty()) {
            where.append(" AND c.run_id IN (").append(String.join(",", runs.stream().map(r -> "?").toList())).append(")");
            args.addAll(runs);
        }
        if (!steps.isEmpty()) {
            where.append(" AND c.step IN (").append(String.join(",", steps.stream().map(s -> "?").toList())).append(")");
            args.addAll(steps);
        }
        if (settingsHash != null) {
            where.append(" AND c.settings_hash = ?");
            args.add(settingsHash);
        }
        String sql = "SELECT c.run_id, c.step, c.epsilon, c.codec, c.settings_hash, c.compressed_bytes, c.loss_nats, m.message"
                + " FROM " + TableFiles.scan(tables, Table.COMPLEXITY) + " c LEFT JOIN " + TableFiles.scan(tables, Table.COARSE_MODELS)
                + " m USING (run_id, step, epsilon, codec, settings_hash)" + where + " ORDER BY 1, 2, 3, 4, 5";
        List<Row> out = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getInt(2), rs.getDouble(3), rs.getString(4), rs.getString(5),
                            rs.getLong(6), rs.getDouble(7), rs.getBytes(8)));
                }
            }
        }
        return out;
    }
}

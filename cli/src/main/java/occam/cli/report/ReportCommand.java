package occam.cli.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import occam.cli.Errors;
import occam.cli.tables.InputRoots;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code occam report}: figures from the archive and the analysis tables. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw the paper's figures from the archive and the analysis tables: PNG files and index.html.", "",
                "First the paper's claims per task, checked against the runs (also written as the claims table,",
                "<tables>/claims/claims.parquet); then per task the regimes' means across seeds with standard-error",
                "bands: complexity with train/test accuracy (Figs. 1, 2, 10), total description length (Fig. 4), the",
                "bound (Fig. 5), effective rank (Fig. 8), quantization-only complexity (Fig. 7). Then",
                "per run: complexity with train/test accuracy and the memorization and generalization epochs",
                "(Fig. 1/2/6); across runs: effective rank (Fig. 8), naive bzip2 (Fig. 9), quantization-only",
                "complexity (Fig. 7), total description length (Fig. 4), generalization bound (Fig. 5) and",
                "rate-distortion fits (Fig. 3)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the figures are written", "1:nothing to draw (the message says what the tables hold), a"
                + " table could not be read, or the claims table could not be written (the figures are)",
                "2:bad usage (e.g. --archive is not an archive root, --epsilon <= 0)"})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = {"-a", "--archive"}, required = true, paramLabel = "ROOT", description = "Archive root (runs, metrics).")
    Path archive;

    @Option(names = {"-t", "--tables"}, required = true, paramLabel = "ROOT", description = "Analysis output root.")
    Path tables;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Where the PNG files and index.html go.")
    Path out;

    @Option(names = "--epsilon", paramLabel = "NATS", description = "Distortion bound of the complexity figures. Default: ${DEFAULT-VALUE}.")
    double epsilon = 1.0;

    @Option(names = "--settings-hash", paramLabel = "HASH",
            description = "Which analysis settings to plot. Default: the hash with the most complexity rows.")
    String settingsHash;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (settingsHash != null && !settingsHash.matches("[0-9a-f]{16}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--settings-hash must be 16 hex digits: " + settingsHash);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--epsilon " + epsilon + ": expected a number of nats > 0");
        }
        InputRoots.archive(spec, "--archive", archive);
        InputRoots.directory(spec, "--tables", tables);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + ": a file, expected a directory");
        }
        ReportData.Loaded data = ReportData.load(archive, tables, epsilon, settingsHash);
        if (!data.notInArchive().isEmpty()) {
            System.err.println("occam report: the tables hold run(s) " + String.join(", ", data.notInArchive()) + " that "
                    + archive + " does not: left out of the figures and the claims");
        }
        // a run analysed only in part has no final values yet: the claims wait for it
        List<Claims.Claim> claims = Claims.check(data.runs().stream().filter(RunSeries::analysedToTheEnd).map(RunSeries::claimsRun).toList());
        Path claimsFile = ClaimsTable.file(tables);
        RuntimeException notStored = null;
        try {
            ClaimsTable.write(tables, data.settingsHash(), data.epsilon(), claims);
        } catch (RuntimeException e) {
            notStored = e; // read-only tables, say: the figures are still drawn
        }
        List<Path> files = Report.write(data, claims, claimsFile, out);
        removeStaleFigures(files);
        System.out.println("occam report: " + data.runs().size() + " run(s), settings " + data.settingsHash() + ", "
                + files.size() + " files in " + out + " (open " + out.resolve("index.html") + "); " + claims.size()
                + " claims checked" + (notStored == null ? " in " + claimsFile : ""));
        if (notStored != null) {
            System.err.println("occam report: the figures are written, but the claims table is not: cannot write " + claimsFile
                    + ": " + Errors.cause(notStored));
            return 1;
        }
        return 0;
    }

    /** Lists what this report wrote in --out; also what the previous report wrote, so it can go. */
    static final String MANIFEST = ".occam-report-files";

    /**
     * Removes the files the previous report into --out wrote and this one did not (figures of runs no longer
     * reported), then records this report's files. Files the report did not write are never touched.
     */
    private void removeStaleFigures(List<Path> written) throws java.io.IOException {
        Path manifest = out.resolve(MANIFEST);
        java.util.Set<String> now = new java.util.TreeSet<>();
        written.forEach(f -> now.add(f.getFileName().toString()));
        if (Files.isRegularFile(manifest)) {
            for (String name : Files.readAllLines(manifest)) {
                Path old = out.resolve(name).normalize();
                if (!name.isBlank() && !now.contains(name) && old.getParent() != null && old.getParent().equals(out.normalize())) {
                    Files.deleteIfExists(old);
                }
            }
        }
        Files.write(manifest, now);
    }
}

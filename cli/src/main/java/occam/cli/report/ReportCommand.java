package occam.cli.report;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code occam report}: figures from the archive and the analysis tables. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw the paper's figures from the archive and the analysis tables: PNG files and index.html.", "",
                "Per run: complexity with train/test accuracy and the memorization and generalization epochs",
                "(Fig. 1/2/6); across runs: effective rank (Fig. 8), naive bzip2 (Fig. 9), quantization-only",
                "complexity (Fig. 7), total description length (Fig. 4), generalization bound (Fig. 5) and",
                "rate-distortion fits (Fig. 3)."})
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
        ReportData.Loaded data = ReportData.load(archive, tables, epsilon, settingsHash);
        List<Path> files = Report.write(data, out);
        System.out.println("occam report: " + data.runs().size() + " run(s), settings " + data.settingsHash() + ", "
                + files.size() + " files in " + out + " (open " + out.resolve("index.html") + ")");
        return 0;
    }
}

package occam.cli.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import occam.analysis.job.AnalyzeCommand;
import occam.cli.report.ReportCommand;
import occam.schemas.Archive;
import occam.training.Regime;
import occam.training.TrainingConfig;
import occam.training.task.Task;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code occam sweep}: a grid of training runs (tasks x regimes x seeds, or a union of such grids), each an
 * {@code occam train} in a child JVM, several at once; then the analysis of the archive and the report.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Train a grid of runs (tasks x regimes x seeds) into <out>/archive, several at once, each in a JVM of its"
                    + " own; then analyse the archive into <out>/tables and draw <out>/report/index.html.",
            "",
            "Each run is `occam train --task T --regime R --seed S --epochs N --out <out>/archive --threads N"
                    + " [TRAIN_OPTION...]`, its output in <out>/logs/<task>-<regime>-s<seed>.log. Every run's options"
                    + " are checked with train's own parser before any run starts.",
            "The same command again trains only what is missing: a complete run is not trained again and an"
                    + " interrupted one continues. A failed run is reported and the others go on.",
            "Once no run is left to start, the runs that finished are analysed on the idle slots' cores while the"
                    + " last ones train (occam analyze --runs <finished> --master local[n], output in"
                    + " <out>/logs/early-analysis.log), at the lowest scheduling priority (nice 19) so that it takes"
                    + " only the CPU the training leaves idle; when the training ends it is stopped, keeping the checkpoints"
                    + " it finished, and the analysis of the whole archive does the rest. Not with --no-analyze, a"
                    + " master that is not local, or --force, --runs or --dry-run in --analyze-options.",
            "Arguments can come from a file, one or more per line (# starts a comment): occam sweep @FILE."},
        footer = {"", "Examples:",
            "  occam sweep --tasks add,mul,sub,div --regimes none,wd,ours --seeds 0,1,2 \\",
            "      --epochs 3000 --out sweep",
            "  occam sweep --tasks add --seeds 0,1 --out sweep -- --p 97 --eval-every 5",
            "  occam sweep @sweeps/paper.args --out paper"},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every run trained or was complete, and the analysis and the report succeeded",
            "1:a run failed (reported after the others finished), or the analysis or the report failed",
            "2:bad usage; nothing was started"})
public final class SweepCommand implements Callable<Integer> {

    /** How often the progress line may be printed. */
    static final long PROGRESS_SECONDS = 5;

    /** Analyze options after which the sweep starts no early analysis (it would redo, or not do, the same work). */
    static final List<String> NO_EARLY_ANALYSIS = List.of("--force", "--runs", "--dry-run");

    /** The command line of the early analysis' child JVM from its analyze arguments (tests replace it). */
    Function<List<String>, List<String>> earlyAnalysisCommand = EarlyAnalysis::command;

    /** Set when the sweep's JVM is stopping (Ctrl-C, SIGTERM): no analysis is started after the training. */
    private volatile boolean stopping;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false, multiplicity = "1..*",
            heading = "%nThe grid (--tasks again starts another grid; the runs are their union):%n")
    List<Grid> grids = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Output directory: archive/, logs/, tables/ and report/.")
    Path out;

    @Option(names = "--parallel", paramLabel = "K",
            description = "Runs trained at once. Default: the cores (${DEFAULT-VALUE}); each run's train --threads"
                    + " is then half its share of the cores, at least 1, unless a train option sets it.")
    int parallel = Runtime.getRuntime().availableProcessors();

    @Option(names = "--no-analyze", description = "Train only: no analysis and no report.")
    boolean noAnalyze;

    @Option(names = "--no-report", description = "No report after the analysis.")
    boolean noReport;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master of the analysis. Default: occam analyze's.")
    String master;

    @Option(names = "--analyze-options", paramLabel = "OPTIONS",
            description = "occam analyze options in one argument, e.g. --analyze-options=\"--grid-taus 6 --epsilons 1,0.5\""
                    + " (not --input, --output or --master: the sweep sets those). Default: occam analyze's settings.")
    String analyzeOptions;

    @Parameters(paramLabel = "TRAIN_OPTION",
            description = "After --: occam train options for every run, e.g. -- --p 97 --eval-every 5"
                    + " (not --task, --regime, --seed, --epochs, --out or --run-id: the sweep sets those).")
    List<String> trainOptions = new ArrayList<>();

    /**
     * One grid: every task x regime x seed, each run for the grid's epochs. Each option takes one comma-separated
     * value, so that picocli starts a new grid when an option comes again; the defaults are applied here.
     */
    static final class Grid {
        @Option(names = "--tasks", required = true, paramLabel = "TASK[,TASK...]",
                description = "Tasks: add, sub, mul, div, x2y2, x2xyy2.")
        String tasks;

        @Option(names = "--regimes", paramLabel = "REGIME[,REGIME...]",
                description = "Regimes: none, wd, ours. Default: all three.")
        String regimes;

        @Option(names = "--seeds", paramLabel = "SEED[,SEED...]", description = "Seeds. Default: 0.")
        String seeds;

        @Option(names = "--epochs", paramLabel = "N",
                description = "Epochs of each run. Default: " + TrainingConfig.DEFAULT_EPOCHS + ".")
        Integer epochs;

        @Option(names = "--train-options", paramLabel = "OPTIONS",
                description = "occam train options for this grid's runs only, in one argument, e.g."
                        + " --train-options=\"--eval-every 5\"; after the options after --.")
        String trainOptions;

        List<Task> tasks() {
            return items(tasks).stream().map(Task::fromId).toList();
        }

        List<Regime> regimes() {
            return regimes == null ? List.of(Regime.NONE, Regime.WD, Regime.OURS)
                    : items(regimes).stream().map(Regime::fromId).toList();
        }

        List<Long> seeds() {
            if (seeds == null) {
                return List.of(0L);
            }
            return items(seeds).stream().map(s -> {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--seeds: '" + s + "' is not an integer");
                }
            }).toList();
        }

        int epochs() {
            return epochs != null ? epochs : TrainingConfig.DEFAULT_EPOCHS;
        }

        private static List<String> items(String commaSeparated) {
            return Arrays.stream(commaSeparated.split(",")).map(String::strip).toList();
        }

        List<String> options() {
            return words(trainOptions);
        }
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        PrintWriter err = spec.commandLine().getErr();
        List<SweepRun> runs;
        List<String> analyze;
        try {
            runs = plan();
            analyze = analyzeArguments();
        } catch (IllegalArgumentException e) {
            err.println(prefix() + e.getMessage());
            err.flush();
            return 2;
        }
        int k = Math.min(parallel, runs.size());
        Path archive = out.resolve("archive");
        Path logs = out.resolve("logs");
        Files.createDirectories(logs);
        err.printf("%s%d runs, %d at once; logs in %s%n", prefix(), runs.size(), k, logs);
        err.flush();

        List<RunOutcome> outcomes = train(runs, k, new ArchiveProgress(archive), logs, err);
        if (stopping) {
            return 1; // the JVM is exiting: its children were stopped, and nothing is analysed
        }
        ArchiveProgress progress = new ArchiveProgress(archive);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(SweepTable.format(SweepTable.rows(outcomes, progress)));
        stdout.flush();
        List<String> failed = outcomes.stream().filter(RunOutcome::failed).map(o -> o.run().runId()).toList();

        int status = 0;
        if (!noAnalyze) {
            if (new Archive(archive).runIds().isEmpty()) {
                err.println(prefix() + "no run in " + archive + ", nothing to analyse");
                status = 1;
            } else {
                status = nested(new AnalyzeCommand(), analyze);
                if (status == 0 && !noReport) {
                    status = nested(new ReportCommand(), List.of("-a", archive.toString(),
                            "-t", out.resolve("tables").toString(), "-o", out.resolve("report").toString()));
                }
            }
        }
        if (!failed.isEmpty()) {
            err.println(prefix() + failed.size() + " of " + runs.size() + " runs failed: "
                    + String.join(", ", failed) + " (their logs are in " + logs + ")");
            status = 1;
        }
        err.flush();
        return status;
    }

    /** Every run of the grids with its train arguments, all checked; a usage error names what is wrong. */
    List<SweepRun> plan() {
        checkWritableDirectory(out);
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, not " + parallel);
        }
        List<List<String>> optionLists = new ArrayList<>(List.of(trainOptions));
        grids.forEach(g -> optionLists.add(g.options()));
        for (List<String> options : optionLists) {
            String reserved = TrainOptions.reservedOptionError(options);
            if (reserved != null) {
                throw new IllegalArgumentException(reserved);
            }
        }
        int size = grids.stream().mapToInt(g -> g.tasks().size() * g.regimes().size() * g.seeds().size()).sum();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / (2 * Math.min(parallel, size)));
        Map<String, SweepRun> runs = new LinkedHashMap<>();
        for (Grid grid : grids) {
            List<String> options = new ArrayList<>(trainOptions);
            options.addAll(grid.options());
            Integer runThreads = TrainOptions.sets(options, "--threads") ? null : threads;
            for (Task task : grid.tasks()) {
                for (long seed : grid.seeds()) {
                    for (Regime regime : grid.regimes()) {
                        String id = TrainingConfig.defaultRunId(task, regime, seed);
                        if (runs.containsKey(id)) {
                            throw new IllegalArgumentException("run " + id + " is in the grid twice");
                        }
                        List<String> args = TrainOptions.of(task, regime, seed, grid.epochs(), out.resolve("archive"),
                                runThreads, options);
                        try {
                            TrainOptions.validate(args);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("bad train option for " + id + ": " + e.getMessage(), e);
                        }
                        runs.put(id, new SweepRun(id, grid.epochs(), args));
                    }
                }
            }
        }
        return List.copyOf(runs.values());
    }

    /** The analysis' arguments, checked by its own parser and value checks. */
    List<String> analyzeArguments() {
        List<String> args = new ArrayList<>(List.of("-i", out.resolve("archive").toString(),
                "-o", out.resolve("tables").toString()));
        if (master != null) {
            args.addAll(List.of("--master", master));
        }
        List<String> options = words(analyzeOptions);
        for (String reserved : List.of("-i", "--input", "-o", "--output", "--master", "-h", "--help", "-V", "--version")) {
            if (TrainOptions.sets(options, reserved)) {
                throw new IllegalArgumentException("analyze option " + reserved + " is set by the sweep");
            }
        }
        args.addAll(options);
        CommandLine analyze = new CommandLine(new AnalyzeCommand());
        try {
            analyze.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("bad analysis option: " + e.getMessage(), e);
        }
        // the values too, as analyze checks them, so a bad one does not wait for the end of the training
        String bad = analyze.<AnalyzeCommand>getCommand().flagError();
        if (bad != null) {
            throw new IllegalArgumentException("bad analysis option: " + bad);
        }
        return args;
    }

    /**
     * The early analysis' arguments (the final analysis' without --master and --strict), or null when there is
     * none: without analysis, with a master that is not local (the cores of a cluster are not this machine's idle
     * ones), or with analyze options that would make it redo or not do the final analysis' work.
     */
    List<String> earlyAnalysisArguments() {
        String effectiveMaster = master != null ? master : System.getProperty("spark.master", "local[*]");
        List<String> options = words(analyzeOptions);
        if (noAnalyze || !(effectiveMaster.equals("local") || effectiveMaster.startsWith("local["))
                || NO_EARLY_ANALYSIS.stream().anyMatch(o -> TrainOptions.sets(options, o))) {
            return null;
        }
        List<String> args = new ArrayList<>(List.of("-i", out.resolve("archive").toString(),
                "-o", out.resolve("tables").toString()));
        options.stream().filter(o -> !o.equals("--strict")).forEach(args::add); // its quarantines are the final one's
        return args;
    }

    /**
     * Cores for an early analysis: the idle slots' share of the cores (at least 1), or 0 when no slot idles for
     * want of runs to start ({@code waiting} runs not started yet, {@code running} training, {@code k} slots).
     */
    static int idleCores(int k, int cores, int waiting, int running) {
        if (waiting > 0 || running == 0 || running >= k) {
            return 0;
        }
        return Math.max(1, (k - running) * cores / k);
    }

    /** Runs not started, training, and finished with checkpoints (trained, resumed or complete), as they change. */
    private static final class Slots {
        private int waiting;
        private int running;
        private final List<String> trained = new ArrayList<>();

        Slots(int runs) {
            waiting = runs;
        }

        synchronized void launched() {
            waiting--;
            running++;
        }

        synchronized void finished(RunOutcome outcome) {
            running--;
            if (outcome != null && !outcome.failed() && outcome.status() != RunOutcome.Status.IN_ARCHIVE) {
                trained.add(outcome.run().runId());
            }
        }
    }

    /**
     * Trains every run, {@code k} at once, printing progress; the outcomes in the order of {@code runs}. Once no run
     * is left to start, the runs that finished are analysed on the idle slots until the training ends.
     */
    private List<RunOutcome> train(List<SweepRun> runs, int k, ArchiveProgress archive, Path logs, PrintWriter err)
            throws InterruptedException {
        SweepProgress progress = new SweepProgress(runs, k, archive, err, prefix());
        ChildTraining children = new ChildTraining();
        List<String> earlyArgs = earlyAnalysisArguments();
        EarlyAnalysis early = earlyArgs == null ? null
                : new EarlyAnalysis(earlyArgs, earlyAnalysisCommand, logs.resolve(EarlyAnalysis.LOG), err, prefix());
        Thread stopChildren = new Thread(() -> {
            stopping = true;
            children.destroyAll();
            if (early != null) {
                try {
                    early.stop(true); // it commits what it finished before this JVM exits
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            err.println(prefix() + "interrupted; each run's log in " + logs + " says where it stopped. The same command"
                    + " continues: finished runs are kept, unfinished ones resume from their last checkpoint");
            err.flush();
        }, "occam-sweep-stop-children");
        Runtime.getRuntime().addShutdownHook(stopChildren);
        Slots slots = new Slots(runs.size());
        BlockingQueue<Object> events = new LinkedBlockingQueue<>(); // a run ended, or the early analysis did
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<RunOutcome>> futures = new ArrayList<>();
            for (SweepRun run : runs) {
                futures.add(pool.submit(() -> {
                    slots.launched();
                    RunOutcome outcome = null;
                    try {
                        outcome = trainOne(run, children, archive, progress, logs);
                        return outcome;
                    } finally {
                        slots.finished(outcome);
                        events.add(run);
                    }
                }));
            }
            pool.shutdown();
            progress.print();
            for (int ended = 0; ended < runs.size(); ) {
                if (events.poll(PROGRESS_SECONDS, TimeUnit.SECONDS) instanceof SweepRun) {
                    ended++;
                }
                progress.print();
                if (early != null && !stopping) {
                    early.poll();
                    synchronized (slots) {
                        int cores = idleCores(k, Runtime.getRuntime().availableProcessors(), slots.waiting, slots.running);
                        if (cores > 0) {
                            early.start(slots.trained, cores, slots.running, () -> events.add(early));
                        }
                    }
                }
            }
            if (early != null) {
                early.stop(false);
            }
            List<RunOutcome> outcomes = new ArrayList<>();
            for (Future<RunOutcome> f : futures) {
                outcomes.add(f.get());
            }
            return outcomes;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the sweep could not run a child: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
            children.destroyAll();
            if (early != null) {
                early.stop(true);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(stopChildren);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private RunOutcome trainOne(SweepRun run, ChildTraining children, ArchiveProgress archive,
            SweepProgress progress, Path logs) throws InterruptedException {
        boolean existed = archive.hasRun(run.runId());
        int epochBefore = archive.lastEpoch(run.runId());
        boolean completeBefore = archive.hasCheckpoint(run.runId(), run.epochs());
        progress.launched(run, epochBefore);
        Path log = logs.resolve(run.runId() + ".log");
        ChildTraining.Result child;
        try {
            child = children.run(run.trainArgs(), log);
        } catch (IOException e) {
            child = new ChildTraining.Result(-1, 0, prefix() + "cannot start the child JVM: " + e);
        }
        RunOutcome outcome = RunOutcome.of(run, child, existed, existed && completeBefore);
        progress.finished(outcome, log.toString());
        return outcome;
    }

    /**
     * Runs another occam command in this JVM, as the demo does, printing to the sweep's streams; a failure prints
     * its cause and is status 1.
     */
    private int nested(Object command, List<String> args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(spec.commandLine().getOut());
        cli.setErr(spec.commandLine().getErr());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(prefix() + line.getCommandName() + " failed: " + e.getMessage());
            return 1;
        });
        return cli.execute(args.toArray(String[]::new));
    }

    /** "occam sweep: ", or "occam demo: " when the demo runs as this sweep (its command line is named so). */
    private String prefix() {
        return "occam " + (spec == null ? "sweep" : spec.commandLine().getCommandName()) + ": ";
    }

    /** The whitespace-separated words of an options argument; none for null. */
    static List<String> words(String options) {
        return options == null || options.isBlank() ? List.of() : Arrays.asList(options.strip().split("\\s+"));
    }

    /** {@code dir}, or the nearest directory above it that exists, must be a writable directory. */
    static void checkWritableDirectory(Path dir) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IllegalArgumentException("--out " + dir + ": " + existing + " is not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new IllegalArgumentException("--out " + dir + ": " + existing + " is not writable");
        }
    }
}

package occam.training.imports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.RunInfo;
import occam.schemas.RunLock;
import occam.schemas.Tensor;
import occam.schemas.TrainingSettings;

/**
 * Imports one run's checkpoint files into an archive root. Everything is read and checked before anything is
 * written, and every file is written atomically, so bad input leaves the archive as it was. A run that is already
 * in the archive gets only the steps it does not have yet (a scheduled re-import), after its metadata and its
 * split are checked to be the same.
 *
 * <p>Beside the tables the archive defines, each imported checkpoint gets a provenance record
 * {@code <root>/imports/run_id=<id>/step-<8 digits>.json}: the source file (name, format, size, SHA-256), the
 * name mapping, and per tensor the source tensor's name, shape and element type before conversion to float32.
 */
public final class Importer {

    /** What an import did. */
    public record Result(List<Integer> added, List<Integer> skipped, boolean newRun) {}

    private final Archive archive;

    public Importer(Path root) {
        this.archive = new Archive(root);
    }

    public Path provenanceFile(String runId, int step) {
        return archive.root().resolve("imports").resolve("run_id=" + runId).resolve(String.format("step-%08d.json", step));
    }

    /**
     * @param updatesPerEpoch optimizer updates per epoch, so a checkpoint's update step is step x this
     */
    public Result importRun(RunInfo run, List<Example> examples, List<SourceFile> files, NameMapping mapping,
            long updatesPerEpoch) {
        // one writer per run, as for occam train
        try (RunLock lock = RunLock.acquire(archive, run.runId())) {
            return importLocked(run, examples, files, mapping, updatesPerEpoch);
        }
    }

    private Result importLocked(RunInfo run, List<Example> examples, List<SourceFile> files, NameMapping mapping,
            long updatesPerEpoch) {
        String runId = run.runId();
        Map<Integer, SourceFile> byStep = new TreeMap<>();
        for (SourceFile f : files) {
            SourceFile other = byStep.put(f.step(), f);
            if (other != null) {
                throw new ImportException(f.path() + " and " + other.path() + " both claim step " + f.step());
            }
        }
        boolean newRun = !Files.exists(archive.runFile(runId));
        if (!newRun) {
            requireSameRun(archive.readRun(runId), run);
            if (!archive.readExamples(runId).equals(examples)) {
                throw new ImportException("run '" + runId + "' in " + archive.root() + " was imported with another"
                        + " training split; give the same --seed or --train-pairs, or another --run-id");
            }
        }
        Set<Integer> present = new TreeSet<>(archive.checkpointSteps(runId));
        List<Integer> skipped = new ArrayList<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        List<ObjectNode> provenance = new ArrayList<>();
        for (SourceFile f : byStep.values()) {
            if (present.contains(f.step())) {
                requireSameSource(runId, f);
                skipped.add(f.step());
                continue;
            }
            Map<String, SourceTensor> sources = f.format().read(f.path());
            Map<String, Tensor> tensors = mapping.apply(f.path(), sources, run.model());
            checkpoints.add(new Checkpoint(runId, f.step(), f.step() * updatesPerEpoch, tensors));
            provenance.add(provenance(f, sources, tensors, mapping));
        }

        // nothing is written before this point
        if (newRun) {
            archive.writeRun(run);
            archive.writeExamples(runId, examples);
        }
        List<Integer> added = new ArrayList<>();
        for (int i = 0; i < checkpoints.size(); i++) {
            Checkpoint c = checkpoints.get(i);
            writeJsonAtomically(provenanceFile(runId, c.step()), provenance.get(i));
            archive.writeCheckpoint(c);
            added.add(c.step());
        }
        return new Result(added, skipped, newRun);
    }

    /** A step already imported from other bytes is refused: archive files are never rewritten. */
    private void requireSameSource(String runId, SourceFile f) {
        Path recorded = provenanceFile(runId, f.step());
        if (!Files.isRegularFile(recorded)) {
            return; // not imported (written by occam train), or by an occam that kept no provenance
        }
        String before;
        try {
            before = new ObjectMapper().readTree(recorded.toFile()).path("sha256").asText("");
        } catch (IOException e) {
            throw new ImportException(recorded + ": not readable provenance JSON: " + e.getMessage(), e);
        }
        String now = sha256(f.path());
        if (!before.isEmpty() && !before.equals(now)) {
            throw new ImportException(f.path() + ": step " + f.step() + " of run '" + runId + "' is already in the archive,"
                    + " imported from other bytes (SHA-256 " + before + " in " + recorded + ", this file " + now + "); archive"
                    + " files are never rewritten: import it under another --run-id");
        }
    }

    private static void requireSameRun(RunInfo archived, RunInfo given) {
        Map<String, Object[]> fields = new LinkedHashMap<>();
        fields.put("task", new Object[] {archived.task(), given.task()});
        fields.put("p", new Object[] {archived.p(), given.p()});
        fields.put("train fraction", new Object[] {archived.trainFraction(), given.trainFraction()});
        fields.put("seed", new Object[] {archived.seed(), given.seed()});
        fields.put("regime", new Object[] {archived.regime(), given.regime()});
        components("model ", archived.model(), given.model(), fields);
        // the planned epochs may grow with appended steps only through --epochs, checked against the steps
        TrainingSettings a = archived.training();
        TrainingSettings g = given.training();
        TrainingSettings sameEpochs = new TrainingSettings(a.epochs(), g.batchSize(), g.learningRate(), g.adamBeta1(),
                g.adamBeta2(), g.adamEps(), g.weightDecay(), g.spectralBeta(), g.noiseStd(), g.evalEvery());
        components("", a, sameEpochs, fields);
        for (Map.Entry<String, Object[]> e : fields.entrySet()) {
            if (!Objects.equals(e.getValue()[0], e.getValue()[1])) {
                throw new ImportException("run '" + given.runId() + "' is already in the archive with " + e.getKey() + " "
                        + e.getValue()[0] + ", not " + e.getValue()[1] + ": import with the same flags, or another --run-id");
            }
        }
    }

    /** Each record component of {@code a} and {@code b} (same record type) as a field named {@code prefix + name}. */
    private static void components(String prefix, Record a, Record b, Map<String, Object[]> fields) {
        for (java.lang.reflect.RecordComponent c : a.getClass().getRecordComponents()) {
            try {
                fields.put(prefix + c.getName(), new Object[] {c.getAccessor().invoke(a), c.getAccessor().invoke(b)});
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static ObjectNode provenance(SourceFile f, Map<String, SourceTensor> sources, Map<String, Tensor> tensors,
            NameMapping mapping) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("file", f.path().getFileName().toString());
        root.put("format", f.format().description());
        try {
            root.put("size_bytes", Files.size(f.path()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f.path(), e);
        }
        root.put("sha256", sha256(f.path()));
        root.put("mapping", mapping.description());
        ArrayNode list = root.putArray("tensors");
        for (String name : tensors.keySet()) {
            SourceTensor s = sources.get(mapping.sourceName(sources, name));
            ObjectNode t = list.addObject();
            t.put("name", name);
            t.put("source", s.name());
            ArrayNode shape = t.putArray("source_shape");
            for (int d : s.shape()) {
                shape.add(d);
            }
            t.put("source_dtype", s.dtype());
        }
        return root;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeJsonAtomically(Path target, ObjectNode json) {
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                Files.write(temp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}

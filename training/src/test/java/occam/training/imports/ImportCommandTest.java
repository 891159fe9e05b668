package occam.training.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.schemas.Archive;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.RunInfo;
import occam.schemas.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code occam import} on checkpoints written by torch.save, numpy.savez and to the safetensors layout (the
 * committed fixtures, all holding the weights of the committed occam run {@code original}), and on bad input.
 */
class ImportCommandTest {

    private static final String ORIGINAL = "original";

    @TempDir
    Path dir;

    private final Archive original = new Archive(Fixtures.originalArchive());

    /** The import command line for the original run's metadata (unless {@code args} override it); errors go to {@code err}. */
    private int run(StringWriter err, String... args) {
        List<String> all = new ArrayList<>(List.of("--out", dir.resolve("archive").toString(), "--quiet"));
        String[][] defaults = {{"--task", "add"}, {"--p", "23"}, {"--regime", "none"}, {"--seed", "0"}};
        for (String[] d : defaults) {
            if (!List.of(args).contains(d[0])) {
                all.addAll(List.of(d));
            }
        }
        all.addAll(List.of(args));
        CommandLine cli = ImportCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(all.toArray(String[]::new));
    }

    private int run(String... args) {
        StringWriter err = new StringWriter();
        int status = run(err, args);
        assertEquals(0, status, err.toString());
        return status;
    }

    private Archive imported() {
        return new Archive(dir.resolve("archive"));
    }

    private void assertSameAsOriginal(String runId) {
        Checkpoint expected = original.readCheckpoint(ORIGINAL, 1);
        Checkpoint actual = imported().readCheckpoint(runId, 1);
        assertEquals(List.copyOf(expected.tensors().keySet()), List.copyOf(actual.tensors().keySet()));
        for (String name : expected.tensors().keySet()) {
            float[] e = expected.tensor(name).values();
            float[] a = actual.tensor(name).values();
            assertArrayEquals(expected.tensor(name).shape(), actual.tensor(name).shape(), name);
            for (int i = 0; i < e.length; i++) {
                assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), name + "[" + i + "] bit for bit");
            }
        }
        assertEquals(expected.updateStep(), actual.updateStep(), "update step from the authors' batch rule");
        assertEquals(original.readExamples(ORIGINAL), imported().readExamples(runId), "the split occam train drew for seed 0");
        RunInfo o = original.readRun(ORIGINAL);
        RunInfo i = imported().readRun(runId);
        assertEquals(List.of(o.task(), o.p(), o.trainFraction(), o.nTrain(), o.nTest(), o.seed(), o.regime(), o.model(), o.training()),
                List.of(i.task(), i.p(), i.trainFraction(), i.nTrain(), i.nTest(), i.seed(), i.regime(), i.model(), i.training()));
    }

    @Test
    void aTorchSaveStateDictWithOccamsNamesImportsBitForBit() {
        run("--run-id", "pt", Fixtures.dir().resolve("pt/epoch_1.pt").toString());
        assertSameAsOriginal("pt");
    }

    @Test
    void aNestedTorchCheckpointWithOutInWeightsImportsThroughAMappingFile() throws Exception {
        Path nested = Fixtures.dir().resolve("pt-nested");
        run("--run-id", "nested", "--mapping", nested.resolve("torch_mapping.json").toString(), nested.toString());
        assertSameAsOriginal("nested");
        JsonNode provenance = new ObjectMapper().readTree(new Importer(dir.resolve("archive")).provenanceFile("nested", 1).toFile());
        assertEquals("checkpoint_1.pth", provenance.get("file").asText());
        assertEquals("blocks.0.mlp.fc1.weight", provenance.get("tensors").get(12).get("source").asText());
        assertEquals("[512,128]", provenance.get("tensors").get(12).get("source_shape").toString());
    }

    @Test
    void safetensorsImportsBitForBit() {
        run("--run-id", "st", Fixtures.dir().resolve("safetensors").toString());
        assertSameAsOriginal("st");
    }

    @Test
    void theAuthorsFlaxNamesInAnNpzImportWithTheLeadingRowsOfTheirPositionalTable() {
        run("--run-id", "npz", Fixtures.dir().resolve("npz/params_1.npz").toString()); // auto-detects the Flax names
        assertSameAsOriginal("npz");
    }

    @Test
    void theAuthorsWholePositionalTableImportsWithAVocabularySizedTable() {
        Path npz = Fixtures.dir().resolve("npz/params_1.npz");
        run("--run-id", "npz-vocab", "--position-table", "vocabulary", npz.toString());
        Checkpoint c = imported().readCheckpoint("npz-vocab", 1);
        assertArrayEquals(new int[] {25, 128}, c.tensor("embed.position").shape(), "p + 2 = 25 rows, every one of the file's");
        Checkpoint four = original.readCheckpoint(ORIGINAL, 1);
        float[] all = c.tensor("embed.position").values();
        float[] first = four.tensor("embed.position").values();
        for (int i = 0; i < first.length; i++) {
            assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(all[i]), "the leading rows are the same");
        }
        assertEquals(25, imported().readRun("npz-vocab").model().positionRows());
    }

    @Test
    void theSplitCanComeFromACsvOrParquetFileOfTrainingPairs() throws Exception {
        StringBuilder csv = new StringBuilder("a,b\n");
        for (Example e : original.readExamples(ORIGINAL)) {
            if (e.train()) {
                csv.append(e.a()).append(',').append(e.b()).append('\n');
            }
        }
        Path pairs = Files.writeString(dir.resolve("pairs.csv"), csv);
        run("--run-id", "csv", "--train-pairs", pairs.toString(), "--train-fraction", "0.2",
                Fixtures.dir().resolve("safetensors").toString());
        assertSameAsOriginal("csv");

        // the same pairs as a Parquet file with integer columns a and b
        Path parquet = dir.resolve("pairs.parquet");
        writePairs(parquet, "int", original.readExamples(ORIGINAL).stream().filter(Example::train)
                .map(e -> new Object[] {e.a(), e.b()}).toList());
        run("--run-id", "parquet", "--train-pairs", parquet.toString(), "--train-fraction", "0.2",
                Fixtures.dir().resolve("safetensors").toString());
        assertSameAsOriginal("parquet");
    }

    @Test
    void importingAgainAddsOnlyTheNewCheckpointsAndRecordsTheSourceType() throws Exception {
        Path ckpts = Files.createDirectories(dir.resolve("ckpts"));
        Files.copy(Fixtures.dir().resolve("safetensors/step-1.safetensors"), ckpts.resolve("step-1.safetensors"));
        run("--run-id", "r", ckpts.toString());
        Path first = imported().checkpointFile("r", 1);
        long firstModified = Files.getLastModifiedTime(first).toMillis();

        // a later checkpoint appears, stored as float64
        Map<String, Tensor> weights = original.readCheckpoint(ORIGINAL, 1).tensors();
        Fixtures.writeSafetensors(ckpts.resolve("step-5.safetensors"), weights);
        rewriteAsFloat64(ckpts.resolve("step-5.safetensors"), weights);
        run("--run-id", "r", ckpts.toString());
        assertEquals(List.of(1, 5), imported().checkpointSteps("r"));
        assertEquals(firstModified, Files.getLastModifiedTime(first).toMillis(), "step 1 is not rewritten");
        assertEquals(weights, imported().readCheckpoint("r", 5).tensors(), "float64 of float32 values is exact");
        assertEquals(5 * 3, imported().readCheckpoint("r", 5).updateStep());
        JsonNode provenance = new ObjectMapper().readTree(new Importer(dir.resolve("archive")).provenanceFile("r", 5).toFile());
        assertEquals("float64", provenance.get("tensors").get(0).get("source_dtype").asText());

        // nothing new: nothing written
        Map<String, String> before = Fixtures.snapshot(dir.resolve("archive"));
        run("--run-id", "r", ckpts.toString());
        assertEquals(before, Fixtures.snapshot(dir.resolve("archive")));
    }

    /** Rewrites a float32 safetensors file (as {@link Fixtures#writeSafetensors} lays it out) in float64. */
    private static void rewriteAsFloat64(Path file, Map<String, Tensor> tensors) throws Exception {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long size = 8L * e.getValue().values().length;
            header.append(header.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":{\"dtype\":\"F64\",\"shape\":")
                    .append(java.util.Arrays.toString(e.getValue().shape())).append(",\"data_offsets\":[").append(offset).append(',')
                    .append(offset + size).append("]}");
            offset += size;
        }
        byte[] json = header.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var buf = java.nio.ByteBuffer.allocate(Math.toIntExact(8 + json.length + offset)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        for (Tensor t : tensors.values()) {
            for (float v : t.values()) {
                buf.putDouble(v);
            }
        }
        Files.write(file, buf.array());
    }

    // ---- bad input: a clear error naming the file and the tensor, exit status 1, and the archive unchanged

    /** An archive that already holds run 'r' at step 1, and a directory of checkpoints to import next. */
    private Path archiveWithOneStep() throws Exception {
        Path ckpts = Files.createDirectories(dir.resolve("next"));
        run("--run-id", "r", Fixtures.dir().resolve("safetensors").toString());
        return ckpts;
    }

    /** A Parquet file of training pairs, columns a and b of the Avro {@code type} (int, double ...). */
    private static void writePairs(Path file, String type, List<Object[]> pairs) throws java.io.IOException {
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse("{\"type\":\"record\",\"name\":\"pair\","
                + "\"fields\":[{\"name\":\"a\",\"type\":\"" + type + "\"},{\"name\":\"b\",\"type\":\"" + type + "\"}]}");
        try (var writer = org.apache.parquet.avro.AvroParquetWriter.<org.apache.avro.generic.GenericRecord>builder(
                org.apache.parquet.hadoop.util.HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
                        new org.apache.hadoop.conf.Configuration(false)))
                .withSchema(schema).build()) {
            for (Object[] pair : pairs) {
                var r = new org.apache.avro.generic.GenericData.Record(schema);
                r.put("a", pair[0]);
                r.put("b", pair[1]);
                writer.write(r);
            }
        }
    }

    private Map<String, Tensor> weights() {
        return new LinkedHashMap<>(original.readCheckpoint(ORIGINAL, 1).tensors());
    }

    private void assertRejected(Path input, String... messageParts) {
        assertRejected(1, List.of(input.toString()), messageParts);
    }

    private void assertRejected(int status, List<String> args, String... messageParts) {
        Map<String, String> before = Fixtures.snapshot(dir.resolve("archive"));
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--run-id", "r"));
        all.addAll(args);
        assertEquals(status, run(err, all.toArray(String[]::new)), err.toString());
        for (String part : messageParts) {
            assertTrue(err.toString().contains(part), "'" + part + "' in: " + err);
        }
        assertEquals(before, Fixtures.snapshot(dir.resolve("archive")), "the archive is unchanged");
    }

    @Test
    void anUnsupportedFileIsRejected() throws Exception {
        Path next = archiveWithOneStep();
        Path text = Files.writeString(next.resolve("notes_2.txt"), "hello");
        assertRejected(text, text + ": not a supported checkpoint file");
        Path fake = Files.writeString(next.resolve("epoch_2.pt"), "not a zip");
        assertRejected(fake, fake + ": not a torch.save zip file");
    }

    @Test
    void aTensorTheMappingDoesNotKnowIsRejected() throws Exception {
        Path next = archiveWithOneStep();
        Map<String, Tensor> w = weights();
        w.put("head.extra", new Tensor(new int[] {2}, new float[] {1, 2}));
        Path f = next.resolve("step-2.safetensors");
        Fixtures.writeSafetensors(f, w);
        assertRejected(f, f + ": tensor 'head.extra' is not known to the occam name mapping");
    }

    @Test
    void aModelTensorWithNoSourceIsRejected() throws Exception {
        Path next = archiveWithOneStep();
        Map<String, Tensor> w = weights();
        w.remove("output.bias");
        Path f = next.resolve("step-2.safetensors");
        Fixtures.writeSafetensors(f, w);
        assertRejected(f, f + ": no tensor is mapped to the model's 'output.bias'");
    }

    @Test
    void aShapeThatDoesNotFitIsRejectedWithAHintForOutInWeights() throws Exception {
        Path next = archiveWithOneStep();
        Map<String, Tensor> w = weights();
        Tensor out = w.get("output.weight");
        w.put("output.weight", new Tensor(new int[] {out.shape()[1], out.shape()[0]}, out.values()));
        Path f = next.resolve("step-2.safetensors");
        Fixtures.writeSafetensors(f, w);
        assertRejected(f, f + ": tensor 'output.weight' has shape [25, 128]", "needs [128, 25]", "\"transpose\": true");
    }

    @Test
    void nanOrInfinityIsRejected() throws Exception {
        Path next = archiveWithOneStep();
        Map<String, Tensor> w = weights();
        float[] v = w.get("layers.0.mlp.in.bias").values().clone();
        v[7] = Float.NaN;
        w.put("layers.0.mlp.in.bias", new Tensor(new int[] {v.length}, v));
        Path f = next.resolve("step-2.safetensors");
        Fixtures.writeSafetensors(f, w);
        assertRejected(f, f + ": tensor 'layers.0.mlp.in.bias' has NaN at element 7");
    }

    @Test
    void twoFilesClaimingOneStepAreRejected() throws Exception {
        Path next = archiveWithOneStep();
        Fixtures.writeSafetensors(next.resolve("step-2.safetensors"), weights());
        Fixtures.writeSafetensors(next.resolve("epoch_002.safetensors"), weights());
        assertRejected(1, List.of(next.toString()), "both claim step 2");
    }

    @Test
    void aBadFileAmongGoodOnesWritesNothingAtAll() throws Exception {
        Path next = archiveWithOneStep();
        Fixtures.writeSafetensors(next.resolve("step-2.safetensors"), weights());
        Map<String, Tensor> w = weights();
        w.put("layers.0.norm2.gain", new Tensor(new int[] {128}, new float[128]));
        float[] inf = new float[128];
        inf[0] = Float.POSITIVE_INFINITY;
        w.put("layers.0.norm2.gain", new Tensor(new int[] {128}, inf));
        Fixtures.writeSafetensors(next.resolve("step-3.safetensors"), w);
        assertRejected(1, List.of(next.toString()), "step-3.safetensors: tensor 'layers.0.norm2.gain' has Infinity at element 0");
        assertEquals(List.of(1), imported().checkpointSteps("r"));
    }

    @Test
    void aReimportWithOtherMetadataIsRejected() throws Exception {
        archiveWithOneStep();
        assertRejected(1, List.of("--seed", "1", Fixtures.dir().resolve("npz").toString()), "already in the archive with seed 0, not 1");
        assertRejected(1, List.of("--lr", "0.5", Fixtures.dir().resolve("npz").toString()),
                "already in the archive with learningRate 0.001, not 0.5");
        assertRejected(1, List.of("--position-table", "vocabulary", Fixtures.dir().resolve("npz").toString()),
                "already in the archive with model positionRows 4, not 25");
    }

    @Test
    void aStepImportedFromOtherBytesOrPairsThatAreNotIntegersAreRejected() throws Exception {
        Path next = archiveWithOneStep();
        // step 1 again, with one weight changed: the archive keeps what it has and says why
        Map<String, Tensor> w = weights();
        float[] gain = w.get("layers.0.norm2.gain").values().clone();
        gain[0] += 1;
        w.put("layers.0.norm2.gain", new Tensor(new int[] {gain.length}, gain));
        Fixtures.writeSafetensors(next.resolve("step-1.safetensors"), w);
        assertRejected(1, List.of(next.toString()), "step 1 of run 'r' is already in the archive, imported from other bytes");

        Files.delete(next.resolve("step-1.safetensors"));

        // pairs from a Parquet file with non-integer columns are refused, not truncated
        Path parquet = dir.resolve("double-pairs.parquet");
        writePairs(parquet, "double", List.<Object[]>of(new Object[] {0.0, 1.9}));
        assertRejected(1, List.of("--train-pairs", parquet.toString(), Fixtures.dir().resolve("npz").toString()),
                "row 0 has no integer columns a and b");
    }

    @Test
    void badFlagsAreUsageErrors() throws Exception {
        archiveWithOneStep();
        Path st = Fixtures.dir().resolve("safetensors");
        assertRejected(2, List.of("--p", "24", st.toString()), "--p 24: expected a prime");
        assertRejected(2, List.of("--p", "-7", st.toString()), "--p -7: expected a prime");
        assertRejected(2, List.of("--p", "99991", st.toString()), "--p 99991: expected a prime (the tasks are modulo p) <= 1009");
        // the recorded hyper-parameters: values a run can have had
        for (String[] bad : new String[][] {{"--epochs", "0"}, {"--batch-size", "-5"}, {"--batch-size", "100000"}, {"--lr", "-1"},
            {"--lr", "NaN"}, {"--adam-beta1", "2"}, {"--adam-eps", "0"}, {"--weight-decay", "-1"}, {"--noise-std", "Infinity"}}) {
            assertRejected(2, List.of(bad[0], bad[1], st.toString()), bad[0] + " ");
        }
        assertRejected(2, List.of("--step-pattern", "(", st.toString()), "--step-pattern (: Unclosed group at index 1");
        assertRejected(2, List.of("--train-pairs", dir.toString(), st.toString()), "a directory, expected a .csv or .parquet file");
        Path aFile = Files.writeString(dir.resolve("a-file"), "");
        StringWriter err = new StringWriter();
        CommandLine cli = ImportCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--out", aFile.toString(), "--task", "add", "--p", "23", "--regime", "none", st.toString()));
        assertTrue(err.toString().contains("a file, expected an archive root directory"), err.toString());
        assertRejected(2, List.of("--step", "3", st.toString(), Fixtures.dir().resolve("npz").toString()), "--step names the step of a single file");
        assertRejected(2, List.of("--mapping", "nonsense", st.toString()), "--mapping nonsense");
        assertRejected(2, List.of(dir.resolve("missing").toString()), "no such file or directory");
        assertRejected(1, List.of("--step-pattern", "epoch(\\d+)", st.toString()), "finds no step in the name 'step-1.safetensors'");
        assertNotEquals(0, Fixtures.snapshot(dir.resolve("archive")).size());
    }
}

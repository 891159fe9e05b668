package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import occam.schemas.Archive;
import occam.schemas.ModelSpec;
import occam.schemas.RunInfo;
import occam.schemas.Table;
import occam.schemas.TrainingSettings;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model spec of each run, from runs files written before and after runs.position_rows, alone or mixed. */
class InputScanTest {

    static final ModelSpec ROWS4 = InputChecksTest.SPEC;
    static final ModelSpec VOCAB = new ModelSpec(ROWS4.architecture(), ROWS4.vocabSize(), ROWS4.seqLen(), ROWS4.dModel(),
            ROWS4.numHeads(), ROWS4.dMlp(), ROWS4.numLayers(), ROWS4.activation(), ROWS4.layerNormEps(),
            ROWS4.probabilityClip(), ROWS4.vocabSize());

    @TempDir
    Path dir;

    private static void writeRun(Archive archive, String runId, ModelSpec spec) {
        archive.writeRun(new RunInfo(runId, "add", InputChecksTest.P, 0.4, 10, 15, 0, "none", spec,
                new TrainingSettings(10, 5, 1e-3, 0.9, 0.98, 1e-8, 0, 0, 0, 10), "cpu()", "test", Instant.EPOCH));
    }

    /** Rewrites a runs file without the columns added after schema version 1 was first written. */
    private static void dropNewColumns(Path file) throws Exception {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        GenericRecord full;
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(path, conf))
                .withDataModel(GenericData.get()).build()) {
            full = r.read();
        }
        Schema current = Table.RUNS.schema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("position_rows") && !f.name().equals("eval_every")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema old = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        GenericRecord row = new GenericData.Record(old);
        for (Schema.Field f : fields) {
            row.put(f.name(), full.get(f.name()));
        }
        Files.delete(file);
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(HadoopOutputFile.fromPath(path, conf))
                .withSchema(old).withDataModel(GenericData.get()).build()) {
            w.write(row);
        }
    }

    private static Map<String, InputScan.RunInput> scan(Path... roots) {
        List<String> r = java.util.Arrays.stream(roots).map(Path::toString).toList();
        return InputScan.scan(TestSpark.session(), r, InputScan.runFilter(List.of())).runs().stream()
                .collect(Collectors.toMap(InputScan.RunInput::runId, Function.identity()));
    }

    @Test
    void positionRowsComeFromTheRunsFileOrDefaultToSeqLen() throws Exception {
        Archive old = new Archive(dir.resolve("old"));
        writeRun(old, "legacy", ROWS4);
        dropNewColumns(old.runFile("legacy"));
        Archive mixed = new Archive(dir.resolve("mixed"));
        writeRun(mixed, "released", VOCAB);
        writeRun(mixed, "sequence", ROWS4);
        writeRun(mixed, "legacy2", ROWS4);
        dropNewColumns(mixed.runFile("legacy2"));

        Map<String, InputScan.RunInput> onlyOld = scan(old.root());
        assertEquals(ROWS4, onlyOld.get("legacy").spec());

        Map<String, InputScan.RunInput> all = scan(old.root(), mixed.root());
        assertEquals(ROWS4, all.get("legacy").spec());
        assertEquals(ROWS4, all.get("legacy2").spec());
        assertEquals(ROWS4, all.get("sequence").spec());
        assertEquals(VOCAB, all.get("released").spec());
        for (InputScan.RunInput run : all.values()) {
            assertNull(run.specError(), run.runId());
        }
    }
}

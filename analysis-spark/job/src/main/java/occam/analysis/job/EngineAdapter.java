package occam.analysis.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.analysis.engine.AnalysisSettings;
import occam.analysis.engine.BaselineRow;
import occam.analysis.engine.CheckpointAnalysis;
import occam.analysis.engine.CheckpointAnalyzer;
import occam.analysis.engine.ComplexityRow;
import occam.analysis.engine.EvaluationRow;
import occam.analysis.engine.RateDistortionFitRow;
import occam.analysis.engine.RunContext;
import occam.analysis.engine.SpectrumRow;
import occam.analysis.engine.StoredModel;
import occam.analysis.job.InputScan.CheckpointFile;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Table;
import occam.schemas.Tensor;
import occam.schemas.TensorSpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The one hand-off between the job and the engine: a checkpoint's archive rows become the engine's input
 * ({@link RunContext} + {@link Checkpoint}), the engine's {@link CheckpointAnalysis} becomes output rows, column by
 * column in the order of the tables' .avsc files.
 */
final class EngineAdapter {

    /** The engine as the job calls it; tests wrap {@link #ENGINE} to inject faults. */
    @FunctionalInterface
    interface Engine extends Serializable {
        CheckpointAnalysis analyze(RunContext run, Checkpoint checkpoint, AnalysisSettings settings, int threads);
    }

    static final Engine ENGINE = CheckpointAnalyzer::analyze;

    /** What a task needs to know about a run; a {@link RunContext} is built from it on the executor. */
    record RunData(String runId, ModelSpec spec, int p, List<Example> trainSplit, List<Example> testSplit) implements Serializable {
        RunContext context() {
            return new RunContext(runId, spec, p, trainSplit, testSplit);
        }
    }

    private EngineAdapter() {}

    /** The checkpoint from its rows ({@code update_step, tensor, element_offset, values}); the checks proved they tile. */
    static Checkpoint checkpoint(CheckpointFile file, ModelSpec spec, Iterator<Row> rows) {
        Map<String, TensorSpec> specs = new HashMap<>();
        spec.tensors().forEach(t -> specs.put(t.name(), t));
        Map<String, float[]> values = new HashMap<>();
        long updateStep = -1;
        while (rows.hasNext()) {
            Row row = rows.next();
            updateStep = row.<Long>getAs("update_step");
            String name = row.getAs("tensor");
            float[] all = values.computeIfAbsent(name, n -> new float[(int) specs.get(n).elementCount()]);
            int offset = (int) row.<Long>getAs("element_offset").longValue();
            List<Float> chunk = row.getList(row.fieldIndex("values"));
            for (int i = 0; i < chunk.size(); i++) {
                all[offset + i] = chunk.get(i);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            tensors.put(t.name(), new Tensor(t.shape(), values.get(t.name())));
        }
        return new Checkpoint(file.runId(), file.step(), updateStep, tensors);
    }

    /** Every output row of one analysed checkpoint, by table. */
    static Map<Table, List<Row>> rows(CheckpointAnalysis a, String hash) {
        Map<Table, List<Row>> out = new EnumMap<>(Table.class);
        out.put(Table.EVALUATIONS, new ArrayList<>(a.evaluations().stream().map(r -> evaluation(r, hash)).toList()));
        out.put(Table.COMPLEXITY, new ArrayList<>(a.complexity().stream().map(r -> complexity(r, hash)).toList()));
        out.put(Table.BASELINES, new ArrayList<>(List.of(baseline(a.baseline(), hash))));
        out.put(Table.SPECTRA, new ArrayList<>(a.spectra().stream().map(r -> spectrum(r, hash)).toList()));
        out.put(Table.RATE_DISTORTION_FITS, new ArrayList<>(a.rateDistortionFits().stream().map(r -> fit(r, hash)).toList()));
        out.put(Table.COARSE_MODELS, new ArrayList<>(a.models().stream().map(r -> model(r, hash)).toList()));
        return out;
    }

    static Row quarantine(InputChecks.Rejection q, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, q.runId(), q.step(), q.check(), q.reason(), q.sourceFile());
    }

    private static Row evaluation(EvaluationRow r, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, r.runId(), r.step(), r.phase(), r.epsilon(), r.pointIndex(),
                r.tau(), r.delta(), r.ranksKept(), r.coarseValues(), r.lossNats(), r.lossIncreaseNats(),
                r.smallestValidEpsilon(), r.trainAccuracy(), r.dataBits(), r.compressedBytes(), r.level(), r.integerBytes());
    }

    private static Row complexity(ComplexityRow r, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, r.runId(), r.step(), r.updateStep(), r.epsilon(), r.source(),
                r.tau(), r.delta(), r.ranksKept(), r.compressedBytes(), r.complexityBits(), r.lossNats(),
                r.lossIncreaseNats(), r.trainErrorRate(), r.dataBits(), r.totalDescriptionBits(), r.nTrain(),
                r.generalizationBound(), r.boundVacuous(), r.quantizationOnlyDelta(), r.quantizationOnlyBytes(),
                r.pointsEvaluated(), r.bestLevel(), r.halfBudgetBytes(), r.codec(), r.testLossNats(), r.testAccuracy(),
                r.factorSplit());
    }

    private static Row baseline(BaselineRow r, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, r.runId(), r.step(), r.updateStep(), r.nParameters(),
                r.rawBytes(), r.naiveBzip2Bytes(), r.lossNats(), r.trainAccuracy(), r.dataBits(), r.labelCodeBits(),
                r.nTrain());
    }

    private static Row spectrum(SpectrumRow r, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, r.runId(), r.step(), r.epsilon(), r.tensor(), r.rows(),
                r.cols(), r.spectralEntropyNats(), r.effectiveRank(), r.largestSingularValue(), r.singularValueSum(),
                r.rankKept(), r.factored());
    }

    private static Row fit(RateDistortionFitRow r, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, r.runId(), r.step(), r.updateStep(), r.slopeA(),
                r.interceptB(), r.rSquared(), r.nPoints(), r.codec());
    }

    private static Row model(StoredModel r, String hash) {
        return RowFactory.create(Table.SCHEMA_VERSION, hash, r.runId(), r.step(), r.epsilon(), r.codec(), r.compressedBytes(),
                r.lossNats(), r.message());
    }
}

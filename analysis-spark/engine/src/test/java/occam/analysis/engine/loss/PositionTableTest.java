package occam.analysis.engine.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import occam.analysis.engine.TestModels;
import occam.schemas.Checkpoint;
import occam.schemas.Example;
import occam.schemas.ModelSpec;
import occam.schemas.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A position table with a row per vocabulary token (the released model's; new runs) is read like the 4-row one:
 * only the rows of the input positions count, so the loss equals the 4-row model's with the same first rows.
 */
class PositionTableTest {

    @Test
    void aVocabularySizedPositionTableGivesTheLossOfItsFirstRows() {
        List<Example> split = TestModels.addition(7, true);
        for (int layers = 1; layers <= 2; layers++) {
            ModelSpec rows4 = TestModels.tiny(layers);
            ModelSpec vocab = new ModelSpec(rows4.architecture(), rows4.vocabSize(), rows4.seqLen(), rows4.dModel(),
                    rows4.numHeads(), rows4.dMlp(), rows4.numLayers(), rows4.activation(), rows4.layerNormEps(),
                    rows4.probabilityClip(), rows4.vocabSize());
            Checkpoint small = TestModels.structured(rows4, "r", 1, 40 + layers);
            Map<String, Tensor> tensors = new LinkedHashMap<>(small.tensors());
            float[] position = small.tensor("embed.position").values();
            float[] table = new float[vocab.vocabSize() * vocab.dModel()];
            Random random = new Random(layers);
            for (int i = 0; i < table.length; i++) {
                table[i] = i < position.length ? position[i] : (float) random.nextGaussian(); // rows never read
            }
            tensors.put("embed.position", new Tensor(new int[] {vocab.vocabSize(), vocab.dModel()}, table));
            Checkpoint big = new Checkpoint("r", 1, 1, tensors);
            LossResult expected = LossEvaluator.evaluate(rows4, small, split);
            LossResult actual = LossEvaluator.evaluate(vocab, big, split);
            assertEquals(expected, actual, layers + " layer(s)");
        }
    }
}

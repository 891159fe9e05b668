package occam.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import occam.schemas.ModelSpec;
import org.junit.jupiter.api.Test;

/**
 * DJL's {@code x.mul(2.0)} wraps the 2.0 in a tensor over a Java direct buffer and frees it right after the op, while
 * autograd keeps that tensor for the backward pass: once the buffer is collected, the gradient reads freed memory
 * (this made training runs fail at random epochs). The model must not depend on such scalars: its gradients may not
 * change when freed direct memory is collected and reused between forward and backward.
 */
class ScalarLifetimeTest {

    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        ModelSpec spec = TransformerTest.tiny(2);
        long[] tokens = {1, 5, 3, 6, 4, 5, 2, 6, 0, 5, 0, 6};
        long[] labels = {4, 6, 0};
        Map<String, float[]> quiet = gradients(spec, tokens, labels, false);
        Map<String, float[]> churned = gradients(spec, tokens, labels, true);
        for (String name : quiet.keySet()) {
            assertArrayEquals(quiet.get(name), churned.get(name), name);
        }
    }

    private static Map<String, float[]> gradients(ModelSpec spec, long[] tokens, long[] labels, boolean churn)
            throws InterruptedException {
        List<ByteBuffer> garbage = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Weights w = Weights.create(spec, TransformerTest.randomWeights(spec, 3), m, true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Transformer.loss(Transformer.logits(w, m.create(tokens, new Shape(3, 4))), m.create(labels), 1e-9);
                if (churn) {
                    // collect the closed arrays' direct buffers, then take their memory back and fill it with NaN
                    for (int round = 0; round < 3; round++) {
                        System.gc();
                        Thread.sleep(100);
                    }
                    for (int i = 0; i < 20_000; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(8);
                        b.putFloat(0, Float.NaN).putFloat(4, Float.NaN);
                        garbage.add(b);
                    }
                }
                gc.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : w.arrays().entrySet()) {
                out.put(e.getKey(), e.getValue().getGradient().toFloatArray());
            }
            garbage.clear();
            return out;
        }
    }
}

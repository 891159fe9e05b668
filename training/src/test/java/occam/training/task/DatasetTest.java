package occam.training.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import occam.schemas.Example;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class DatasetTest {

    @ParameterizedTest
    @EnumSource(Task.class)
    void isTheWholeTableWithCorrectLabels(Task task) {
        int p = 11;
        Dataset d = Dataset.generate(task, p, task.defaultTrainFraction(), 1);
        List<Example> examples = d.examples();
        int rows = task == Task.DIV ? p * (p - 1) : p * p;
        assertEquals(rows, examples.size());
        Set<Long> pairs = new HashSet<>();
        for (int id = 0; id < rows; id++) {
            Example e = examples.get(id);
            assertEquals(id, e.exampleId());
            pairs.add((long) e.a() * p + e.b());
            assertArrayEquals(new int[] {e.a(), p, e.b(), p + 1}, e.tokens());
            assertEquals(expected(task, e.a(), e.b(), p), e.label(), task + " " + e.a() + "," + e.b());
        }
        assertEquals(rows, pairs.size(), "every (a, b) once");
        if (task == Task.DIV) {
            examples.forEach(e -> assertNotEquals(0, e.b()));
        }
        // a-major, then b
        assertEquals(0, examples.get(0).a());
        assertEquals(task == Task.DIV ? 1 : 0, examples.get(0).b());
        assertEquals(p - 1, examples.get(rows - 1).a());
        assertEquals(p - 1, examples.get(rows - 1).b());
    }

    @Test
    void splitSizesFollowTheFraction() {
        Dataset add = Dataset.generate(Task.ADD, 113, 0.2, 0);
        assertEquals(2553, add.nTrain()); // floor(0.2 x 12769)
        assertEquals(12769 - 2553, add.nTest());
        Dataset div = Dataset.generate(Task.DIV, 113, 0.3, 0);
        assertEquals(3796, div.nTrain()); // floor(0.3 x 12656) = floor(3796.8)
        assertEquals(12656 - 3796, div.nTest());
        long flagged = add.examples().stream().filter(Example::train).count();
        assertEquals(add.nTrain(), flagged);
        Set<Integer> train = new HashSet<>();
        for (int id : add.trainIds()) {
            train.add(id);
            assertEquals(true, add.examples().get(id).train());
        }
        for (int id : add.testIds()) {
            assertEquals(false, train.contains(id));
        }
    }

    @Test
    void theSplitIsSeeded() {
        assertArrayEquals(Dataset.generate(Task.SUB, 13, 0.3, 42).trainIds(), Dataset.generate(Task.SUB, 13, 0.3, 42).trainIds());
        assertFalse(java.util.Arrays.equals(Dataset.generate(Task.SUB, 13, 0.3, 42).trainIds(),
                Dataset.generate(Task.SUB, 13, 0.3, 43).trainIds()));
    }

    @Test
    void rejectsBadModuliAndFractions() {
        assertThrows(IllegalArgumentException.class, () -> Dataset.generate(Task.ADD, 12, 0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.generate(Task.ADD, 7, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.generate(Task.ADD, 3, 0.1, 0)); // 0 training rows
    }

    @Test
    void tokensAndLabelsFollowTheIds() {
        Dataset d = Dataset.generate(Task.MUL, 7, 0.5, 3);
        int[] ids = {10, 3};
        // id 10 = (1, 3): 1 x 3 = 3; id 3 = (0, 3): 0
        assertArrayEquals(new long[] {1, 7, 3, 8, 0, 7, 3, 8}, d.tokens(ids));
        assertArrayEquals(new long[] {3, 0}, d.labels(ids));
    }

    private static int expected(Task task, int a, int b, int p) {
        return switch (task) {
            case ADD -> (a + b) % p;
            case SUB -> ((a - b) % p + p) % p;
            case MUL -> a * b % p;
            case DIV -> {
                for (int c = 0; c < p; c++) {
                    if (c * b % p == a) {
                        yield c;
                    }
                }
                throw new AssertionError("no quotient");
            }
            case X2Y2 -> (a * a + b * b) % p;
            case X2XYY2 -> (a * a + a * b + b * b) % p;
        };
    }
}

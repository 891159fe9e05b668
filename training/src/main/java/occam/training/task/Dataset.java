package occam.training.task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import occam.schemas.Example;

/**
 * The whole operation table of a task modulo p, split at random into train and test. Example ids are row indices
 * of the table, a-major then b (for div, b = 0 is not a row). Inputs are {@code [a, op, b, =]} with op = p and
 * '=' = p + 1, so the vocabulary has p + 2 tokens.
 */
public final class Dataset {

    private final Task task;
    private final int p;
    private final double trainFraction;
    private final List<Example> examples;
    private final int[] trainIds;
    private final int[] testIds;

    private Dataset(Task task, int p, double trainFraction, List<Example> examples, int[] trainIds, int[] testIds) {
        this.task = task;
        this.p = p;
        this.trainFraction = trainFraction;
        this.examples = List.copyOf(examples);
        this.trainIds = trainIds;
        this.testIds = testIds;
    }

    /**
     * The table of {@code task} modulo {@code p}, with floor(trainFraction x rows) examples drawn for training by a
     * Fisher-Yates shuffle seeded with {@code splitSeed}.
     */
    /** The largest modulus the commands accept: the table has p^2 rows, held in memory by training and analysis. */
    public static final int MAX_P = 1009;

    public static Dataset generate(Task task, int p, double trainFraction, long splitSeed) {
        if (!isPrime(p)) {
            throw new IllegalArgumentException("p(" + p + ") is not a prime");
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction(" + trainFraction + ") outside (0, 1)");
        }
        List<int[]> rows = new ArrayList<>();
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
                if (task.accepts(b)) {
                    rows.add(new int[] {a, b});
                }
            }
        }
        int n = rows.size();
        int nTrain = (int) Math.floor(trainFraction * n);
        if (nTrain < 2 || nTrain >= n) {
            throw new IllegalArgumentException("trainFraction(" + trainFraction + ") of " + n + " rows gives " + nTrain
                    + " training examples; need at least 2 and at least one test example");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(splitSeed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] isTrain = new boolean[n];
        for (int i = 0; i < nTrain; i++) {
            isTrain[order[i]] = true;
        }
        List<Example> examples = new ArrayList<>(n);
        int[] trainIds = new int[nTrain];
        int[] testIds = new int[n - nTrain];
        int tr = 0;
        int te = 0;
        for (int id = 0; id < n; id++) {
            int a = rows.get(id)[0];
            int b = rows.get(id)[1];
            examples.add(new Example(id, a, b, task.apply(a, b, p), new int[] {a, p, b, p + 1}, isTrain[id]));
            if (isTrain[id]) {
                trainIds[tr++] = id;
            } else {
                testIds[te++] = id;
            }
        }
        return new Dataset(task, p, trainFraction, examples, trainIds, testIds);
    }

    public Task task() {
        return task;
    }

    public int p() {
        return p;
    }

    public double trainFraction() {
        return trainFraction;
    }

    /** Every row of the table, by example id. */
    public List<Example> examples() {
        return examples;
    }

    public int nTrain() {
        return trainIds.length;
    }

    public int nTest() {
        return testIds.length;
    }

    /** Example ids of the training split, ascending. */
    public int[] trainIds() {
        return trainIds.clone();
    }

    /** Example ids of the test split, ascending. */
    public int[] testIds() {
        return testIds.clone();
    }

    /** The input tokens of the given examples, row-major (n, 4), as the int64 the embedding takes. */
    public long[] tokens(int[] ids) {
        long[] out = new long[ids.length * 4];
        for (int i = 0; i < ids.length; i++) {
            int[] t = examples.get(ids[i]).tokens();
            for (int j = 0; j < 4; j++) {
                out[i * 4 + j] = t[j];
            }
        }
        return out;
    }

    /** The labels of the given examples. */
    public long[] labels(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = examples.get(ids[i]).label();
        }
        return out;
    }

    public static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}

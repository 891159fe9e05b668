package occam.training.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import occam.schemas.Example;
import occam.training.task.Dataset;
import occam.training.task.Task;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The {@code examples} of an imported run: the whole operation table with each row marked train or test, either
 * drawn by occam's own generator for a seed (what {@code occam train --seed} would use) or read from a file of the
 * training pairs (a, b) another trainer drew.
 */
public final class TrainingSplit {

    private TrainingSplit() {}

    /** The split {@code occam train} draws for {@code seed}: the first of the seed's streams seeds the shuffle. */
    public static List<Example> fromSeed(Task task, int p, double trainFraction, long seed) {
        long splitSeed = new SplittableRandom(seed).nextLong();
        return Dataset.generate(task, p, trainFraction, splitSeed).examples();
    }

    /**
     * The table of {@code task} mod {@code p} with exactly the pairs of {@code file} marked train: a CSV file
     * (two integer columns a, b; an optional header line naming them) or a Parquet file with integer columns
     * {@code a} and {@code b}.
     */
    public static List<Example> fromPairs(Task task, int p, Path file) {
        List<int[]> pairs = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet")
                ? parquetPairs(file) : csvPairs(file);
        // the table itself (ids, tokens, labels) does not depend on the split
        List<Example> table = Dataset.generate(task, p, 0.5, 0).examples();
        Map<Long, Integer> idOf = new HashMap<>();
        for (Example e : table) {
            idOf.put(key(e.a(), e.b()), e.exampleId());
        }
        boolean[] train = new boolean[table.size()];
        for (int i = 0; i < pairs.size(); i++) {
            int a = pairs.get(i)[0];
            int b = pairs.get(i)[1];
            Integer id = idOf.get(key(a, b));
            if (id == null) {
                throw new ImportException(file + ": pair " + (i + 1) + " (" + a + ", " + b + ") is not a row of " + task.id()
                        + " mod " + p);
            }
            if (train[id]) {
                throw new ImportException(file + ": pair " + (i + 1) + " (" + a + ", " + b + ") is listed twice");
            }
            train[id] = true;
        }
        if (pairs.size() < 2 || pairs.size() >= table.size()) {
            throw new ImportException(file + ": " + pairs.size() + " training pairs of " + table.size()
                    + " rows; need at least 2 and at least one test row");
        }
        List<Example> out = new ArrayList<>(table.size());
        for (Example e : table) {
            out.add(new Example(e.exampleId(), e.a(), e.b(), e.label(), e.tokens(), train[e.exampleId()]));
        }
        return out;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static List<int[]> csvPairs(Path file) {
        List<int[]> pairs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String trimmed = line.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                String[] cells = trimmed.split("\\s*[,;\\t]\\s*");
                if (cells.length != 2) {
                    throw new ImportException(file + ": line " + lineNo + " has " + cells.length + " columns, expected 2 (a, b)");
                }
                try {
                    pairs.add(new int[] {Integer.parseInt(cells[0]), Integer.parseInt(cells[1])});
                } catch (NumberFormatException e) {
                    if (lineNo == 1 && pairs.isEmpty()) {
                        continue; // a header line
                    }
                    throw new ImportException(file + ": line " + lineNo + " is not two integers: '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return pairs;
    }

    private static List<int[]> parquetPairs(Path file) {
        List<int[]> pairs = new ArrayList<>();
        Configuration conf = new Configuration(false);
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri()), conf)).withConf(conf).build()) {
            GenericRecord r;
            int row = 0;
            while ((r = reader.read()) != null) {
                // integer columns only: a double 1.9 must not become the pair's 1
                if (!(r.get("a") instanceof Integer || r.get("a") instanceof Long) || !(r.get("b") instanceof Integer
                        || r.get("b") instanceof Long)) {
                    throw new ImportException(file + ": row " + row + " has no integer columns a and b: " + r);
                }
                Number a = (Number) r.get("a");
                Number b = (Number) r.get("b");
                pairs.add(new int[] {a.intValue(), b.intValue()});
                row++;
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImportException ie) {
                throw ie;
            }
            throw new ImportException(file + ": not a readable Parquet file of pairs (a, b): " + e.getMessage(), e);
        }
        return pairs;
    }
}

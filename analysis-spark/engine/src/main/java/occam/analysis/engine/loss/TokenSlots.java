package occam.analysis.engine.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The split's inputs as vocabulary slots: slot = a distinct (position, token) pair, numbered position by position
 * and token by token. [a, op, b, =] over p numbers gives 2p + 2 slots, whatever the number of examples.
 */
final class TokenSlots {

    private final int[][] exampleSlots; // [n][T]
    private final int[] slotPosition;
    private final int[] slotToken;
    private final int[][] slotsAtPosition;
    /** Examples ordered by their slots, position by position: neighbours share table rows. */
    private final int[] bySlots;

    TokenSlots(int[][] tokens, int seqLen) {
        List<TreeSet<Integer>> distinct = new ArrayList<>();
        for (int t = 0; t < seqLen; t++) {
            distinct.add(new TreeSet<>());
        }
        for (int[] row : tokens) {
            for (int t = 0; t < seqLen; t++) {
                distinct.get(t).add(row[t]);
            }
        }
        int count = distinct.stream().mapToInt(TreeSet::size).sum();
        slotPosition = new int[count];
        slotToken = new int[count];
        slotsAtPosition = new int[seqLen][];
        List<java.util.Map<Integer, Integer>> index = new ArrayList<>();
        int s = 0;
        for (int t = 0; t < seqLen; t++) {
            java.util.Map<Integer, Integer> map = new java.util.HashMap<>();
            slotsAtPosition[t] = new int[distinct.get(t).size()];
            int i = 0;
            for (int token : distinct.get(t)) {
                slotPosition[s] = t;
                slotToken[s] = token;
                slotsAtPosition[t][i++] = s;
                map.put(token, s++);
            }
            index.add(map);
        }
        exampleSlots = new int[tokens.length][seqLen];
        for (int ex = 0; ex < tokens.length; ex++) {
            for (int t = 0; t < seqLen; t++) {
                exampleSlots[ex][t] = index.get(t).get(tokens[ex][t]);
            }
        }
        bySlots = java.util.stream.IntStream.range(0, tokens.length).boxed()
                .sorted((x, y) -> java.util.Arrays.compare(exampleSlots[x], exampleSlots[y]))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * The examples in the order of their slots (by the first position's, then the next...): a loop over examples
     * that reads per-slot tables in this order finds most rows still in cache (the split's order is random).
     */
    int[] examplesBySlots() {
        return bySlots;
    }

    int examples() {
        return exampleSlots.length;
    }

    int slotCount() {
        return slotPosition.length;
    }

    int slotPosition(int slot) {
        return slotPosition[slot];
    }

    int slotToken(int slot) {
        return slotToken[slot];
    }

    int[] slotsOf(int example) {
        return exampleSlots[example];
    }

    int[] slotsAt(int position) {
        return slotsAtPosition[position];
    }

    int[] allSlots() {
        int[] all = new int[slotCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }
}

package occam.analysis.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SearchStageTest {

    @Test
    void theLastCheckpointsShareTheCoresTheFinishedOnesFree() {
        // 2 slots: the last checkpoint runs alone at the end, on both cores
        assertArrayEquals(new int[] {1, 1, 1, 2}, SearchStage.threadsPerTask(4, 1, 2));
        // 4 slots: the last three share them
        assertArrayEquals(new int[] {1, 1, 1, 2, 4}, SearchStage.threadsPerTask(5, 1, 4));
        assertArrayEquals(new int[] {2, 2, 4}, SearchStage.threadsPerTask(3, 2, 2));
        // one slot (local[1], or a cluster): every task keeps its threads
        assertArrayEquals(new int[] {1, 1, 1}, SearchStage.threadsPerTask(3, 1, 1));
        assertArrayEquals(new int[] {2}, SearchStage.threadsPerTask(1, 1, 2));
    }
}

package occam.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointScheduleTest {

    @Test
    void floorOfPowersOfOnePointThreeDeduplicatedPlusTheLast() {
        // 1.3^n = 1, 1.3, 1.69, 2.197, 2.856, 3.713, 4.827, 6.275, 8.157, 10.60, 13.79, 17.92, 23.30, 30.29, 39.37
        assertEquals(List.of(1, 2, 3, 4, 6, 8, 10, 13, 17, 23, 30, 39, 40), CheckpointSchedule.epochs(40));
        assertEquals(List.of(1), CheckpointSchedule.epochs(1));
        assertEquals(List.of(1, 2, 3, 4, 6, 8, 10, 12), CheckpointSchedule.epochs(12));
        List<Integer> paper = CheckpointSchedule.epochs(1500);
        assertEquals(1500, paper.get(paper.size() - 1));
        // 1.3^27 = 1192.5 is the last power below 1500: 25 powers and the end
        assertEquals(List.of(417, 542, 705, 917, 1192, 1500), paper.subList(paper.size() - 6, paper.size()));
        assertEquals(26, paper.size());
    }

    @Test
    void rejectsNoEpochs() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointSchedule.epochs(0));
    }
}

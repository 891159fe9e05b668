package occam.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepProgressTest {

    @Test
    void aRunLeftAloneTakesItsOwnTimeNotAShareOfTheSlots() {
        // the demo's tail: two slots, one run left with 100 s to go; the slot the others freed does not speed it up
        assertEquals(100.0, SweepProgress.etaSeconds(2, List.of(100.0), List.of()), 1e-9);
    }

    @Test
    void waitingRunsStartOnTheFirstSlotThatFrees() {
        assertEquals(40.0, SweepProgress.etaSeconds(2, List.of(10.0, 20.0), List.of(30.0)), 1e-9);
        assertEquals(35.0, SweepProgress.etaSeconds(2, List.of(10.0, 20.0), List.of(15.0, 15.0)), 1e-9);
    }

    @Test
    void idleSlotsTakeWaitingRunsAtOnce() {
        assertEquals(5.0, SweepProgress.etaSeconds(3, List.of(), List.of(5.0, 5.0, 5.0)), 1e-9);
        assertEquals(10.0, SweepProgress.etaSeconds(1, List.of(), List.of(5.0, 5.0)), 1e-9);
    }
}

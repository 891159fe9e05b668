package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveRoundTripTest {

    @TempDir
    Path root;

    @Test
    void runRoundTrips() {
        Archive archive = new Archive(root);
        archive.writeRun(Fixtures.run("r1"));
        assertEquals(Fixtures.run("r1"), archive.readRun("r1"));
        assertEquals(List.of("r1"), archive.runIds());
    }

    @Test
    void examplesRoundTrip() {
        Archive archive = new Archive(root);
        archive.writeExamples("r1", Fixtures.examples());
        List<Example> back = archive.readExamples("r1");
        assertEquals(Fixtures.examples(), back);
        assertEquals(25, back.size());
        for (int i = 0; i < back.size(); i++) {
            Example want = Fixtures.examples().get(i);
            Example got = back.get(i);
            assertEquals(List.of(want.exampleId(), want.a(), want.b(), want.label(), want.split()),
                    List.of(got.exampleId(), got.a(), got.b(), got.label(), got.split()));
            assertArrayEquals(want.tokens(), got.tokens());
        }
    }

    @Test
    void metricsAppendOneFilePerEpochAndReadBackInOrder() {
        Archive archive = new Archive(root);
        archive.writeMetrics("r1", Fixtures.metrics(3));
        archive.writeMetrics("r1", Fixtures.metrics(1));
        archive.writeMetrics("r1", Fixtures.metrics(2));
        assertEquals(List.of(Fixtures.metrics(1), Fixtures.metrics(2), Fixtures.metrics(3)), archive.readMetrics("r1"));
    }

    @Test
    void checkpointsRoundTripAcrossChunkSizes() {
        for (int chunk : new int[] {1, 7, 128, 1_000_000}) {
            Archive archive = new Archive(root.resolve("chunk" + chunk), chunk);
            Checkpoint c = Fixtures.checkpoint("r1", 13, 42);
            archive.writeCheckpoint(c);
            Checkpoint back = archive.readCheckpoint("r1", 13);
            assertEquals(c, back, "chunk size " + chunk);
            assertEquals(List.copyOf(c.tensors().keySet()), List.copyOf(back.tensors().keySet()), "tensor order");
        }
    }

    @Test
    void newCheckpointsAreNewFilesAndOldOnesAreNeverRewritten() throws Exception {
        Archive archive = new Archive(root);
        archive.writeCheckpoint(Fixtures.checkpoint("r1", 1, 1));
        Path first = archive.checkpointFile("r1", 1);
        byte[] before = Files.readAllBytes(first);
        archive.writeCheckpoint(Fixtures.checkpoint("r1", 2, 2));
        assertEquals(List.of(1, 2), archive.checkpointSteps("r1"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> archive.writeCheckpoint(Fixtures.checkpoint("r1", 1, 99)));
        assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(first));
        assertEquals(Fixtures.checkpoint("r1", 1, 1), archive.readCheckpoint("r1", 1));
    }

    @Test
    void severalRunsShareOneRoot() {
        Archive archive = new Archive(root);
        for (String id : List.of("b-run", "a-run")) {
            archive.writeRun(Fixtures.run(id));
            archive.writeCheckpoint(Fixtures.checkpoint(id, 5, id.hashCode()));
        }
        assertEquals(List.of("a-run", "b-run"), archive.runIds());
        assertEquals(Fixtures.checkpoint("b-run", 5, "b-run".hashCode()), archive.readCheckpoint("b-run", 5));
    }

    @Test
    void writeValidatesShapesAndIds() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new Tensor(new int[] {2, 3}, new float[5]));
        assertEquals("shape [2, 3] has 6 elements but 5 values were given", shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {0, 3}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.checkpoint("../escape", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.checkpoint("ok", -1, 1));
    }
}

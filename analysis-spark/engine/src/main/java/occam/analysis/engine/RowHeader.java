package occam.analysis.engine;

import occam.schemas.Checkpoint;
import occam.schemas.Table;

/** The leading columns every output row of one checkpoint shares. */
record RowHeader(int schemaVersion, String settingsHash, String runId, int step, long updateStep) {

    static RowHeader of(Checkpoint c, String settingsHash) {
        return new RowHeader(Table.SCHEMA_VERSION, settingsHash, c.runId(), c.step(), c.updateStep());
    }
}

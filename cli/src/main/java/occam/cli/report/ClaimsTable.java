package occam.cli.report;

import java.nio.file.Path;
import java.util.List;
import occam.schemas.Table;
import occam.schemas.TableFiles;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The {@code claims} table: {@code <tables>/claims/claims.parquet}, replaced whole on each report. */
final class ClaimsTable {

    private ClaimsTable() {}

    static Path file(Path tables) {
        return tables.resolve(Table.CLAIMS.tableName()).resolve("claims.parquet");
    }

    static Path write(Path tables, String settingsHash, double epsilon, List<Claims.Claim> claims) {
        List<GenericRecord> rows = claims.stream().map(c -> {
            GenericRecord r = new GenericData.Record(Table.CLAIMS.schema());
            r.put("schema_version", Table.SCHEMA_VERSION);
            r.put("settings_hash", settingsHash);
            r.put("epsilon", epsilon);
            r.put("task", c.task());
            r.put("claim_id", c.claimId());
            r.put("claim", c.claim());
            r.put("threshold", c.threshold());
            r.put("measured", c.measured());
            r.put("runs", c.runs());
            r.put("verdict", c.verdict().text);
            return r;
        }).toList();
        Path file = file(tables);
        TableFiles.replace(file, Table.CLAIMS, rows);
        return file;
    }
}

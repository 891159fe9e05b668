package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The README documents every column of every table exactly as the .avsc files do. */
class SchemaDocsTest {

    static final Path README = Path.of("README.md");

    @Test
    void everyColumnHasADocWithItsUnitOrMeaning() {
        for (Table t : Table.values()) {
            assertFalse(t.schema().getDoc() == null || t.schema().getDoc().isBlank(), t + " has no table doc");
            for (Schema.Field f : t.schema().getFields()) {
                assertTrue(f.doc() != null && f.doc().length() > 10, t.tableName() + "." + f.name() + " lacks a doc");
            }
            assertTrue(t.schema().getField("schema_version") != null, t + " lacks schema_version");
        }
    }

    @Test
    void readmeColumnTablesMatchTheSchemas() throws Exception {
        String readme = Files.readString(README);
        StringBuilder missing = new StringBuilder();
        for (Table t : Table.values()) {
            String expected = SchemaDocs.markdown(t);
            if (!readme.contains("### `" + t.tableName() + "`") || !readme.contains(expected)) {
                missing.append("\n### `").append(t.tableName()).append("`\n\n").append(t.schema().getDoc()).append("\n\n").append(expected);
            }
        }
        assertTrue(missing.length() == 0, "schemas/README.md is out of date; expected sections:\n" + missing);
    }
}

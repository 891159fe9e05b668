package occam.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every DuckDB snippet in schemas/README.md runs against a real archive and returns rows. */
class ReadmeSnippetsTest {

    private static final Pattern SNIPPET = Pattern.compile("<!-- duckdb -->\\s*```sql\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path root;

    static List<String> snippets(Path readme) throws Exception {
        Matcher m = SNIPPET.matcher(Files.readString(readme));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void duckDbSnippetsRun() throws Exception {
        Archive archive = new Archive(root, 50);
        archive.writeRun(Fixtures.run("r1"));
        archive.writeExamples("r1", Fixtures.examples());
        archive.writeMetrics("r1", Fixtures.metrics(1));
        archive.writeMetrics("r1", Fixtures.metrics(2));
        archive.writeCheckpoint(Fixtures.checkpoint("r1", 1, 1));
        archive.writeCheckpoint(Fixtures.checkpoint("r1", 2, 2));

        List<String> snippets = snippets(Path.of("README.md"));
        assertEquals(5, snippets.size(), "DuckDB snippets found in README.md");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (String sql : snippets) {
                try (ResultSet rs = s.executeQuery(sql.replace("/path/to/archive", root.toString()))) {
                    assertTrue(rs.next(), "no rows from:\n" + sql);
                }
            }
        }
    }
}

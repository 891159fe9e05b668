package occam.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version}: the project version and the git commit it was built from (recorded by the build). */
public final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"occam " + version() + " (commit " + commit() + ")"};
    }

    public static String version() {
        return properties().getProperty("version", "unknown");
    }

    /** {@code git rev-parse HEAD} at build time, or "unknown" when built outside a git checkout. */
    public static String commit() {
        String commit = properties().getProperty("commit", "");
        return commit.matches("[0-9a-f]{7,64}") ? commit : "unknown";
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build's version.properties", e);
        }
        return p;
    }
}

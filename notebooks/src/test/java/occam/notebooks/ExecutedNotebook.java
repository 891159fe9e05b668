package occam.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;

/** What must hold for a notebook executed by nbconvert: checks on its JSON (nbformat 4). */
final class ExecutedNotebook {

    private ExecutedNotebook() {}

    /** The checks on an executed notebook: every code cell ran, no error, no stderr, every figure cell has a PNG. */
    static List<String> problems(Path executed) throws IOException {
        JsonNode nb = new ObjectMapper().readTree(executed.toFile());
        List<String> problems = new ArrayList<>();
        int figureCells = 0;
        int index = 0;
        for (JsonNode cell : nb.get("cells")) {
            String where = "cell " + index++;
            if (!"code".equals(cell.get("cell_type").asText())) {
                continue;
            }
            String source = text(cell.get("source"));
            if (cell.get("execution_count").isNull()) {
                problems.add(where + " was not executed");
            }
            int images = 0;
            for (JsonNode out : cell.get("outputs")) {
                String type = out.get("output_type").asText();
                if (type.equals("error")) {
                    problems.add(where + " raised " + out.get("ename").asText() + ": " + strip(out.get("evalue").asText()));
                } else if (type.equals("stream") && out.get("name").asText().equals("stderr")) {
                    problems.add(where + " wrote to stderr: " + strip(text(out.get("text"))));
                } else if (out.has("data") && out.get("data").has("image/png")) {
                    images++;
                    String bad = badImage(out.get("data").get("image/png").asText());
                    if (bad != null) {
                        problems.add(where + ": " + bad);
                    }
                }
            }
            // a figure cell calls the notebook's show(chart) helper (and is not the cell that defines it)
            if (source.contains("show(") && !source.contains("void show(")) {
                figureCells++;
                if (images == 0) {
                    problems.add(where + " draws a figure but has no image/png output");
                }
            }
        }
        if (figureCells == 0) {
            problems.add("no figure cell (a cell calling show(chart)) at all");
        }
        return problems;
    }

    /** Null when the PNG decodes to a chart-sized picture with something drawn on it, else what is wrong. */
    static String badImage(String base64) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)));
        if (image == null) {
            return "an image/png output that does not decode as PNG";
        }
        if (image.getWidth() < 400 || image.getHeight() < 300) {
            return "a " + image.getWidth() + "x" + image.getHeight() + " image (too small to be a chart)";
        }
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size() < 4 ? "a blank image (" + colours.size() + " colours)" : null;
    }

    /** A notebook's multi-line string: one string or a list of lines. */
    static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder sb = new StringBuilder();
            node.forEach(line -> sb.append(line.asText()));
            return sb.toString();
        }
        return node.asText();
    }

    /** Without terminal colour codes (the kernel colours its error messages). */
    static String strip(String s) {
        return s.replaceAll("\u001B\\[[;\\d]*m", "");
    }
}

package occam.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker NotebooksTest relies on, on hand-made executed notebooks: each defect alone is caught. */
class ExecutedNotebookTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aCleanNotebookPasses() throws IOException {
        assertEquals(List.of(), check(notebook(setupCell(), figureCell(png(chart())))));
    }

    @Test
    void aCellErrorIsCaught() throws IOException {
        ObjectNode cell = code("var x = 1 / 0;", 2);
        cell.withArray("outputs").addObject().put("output_type", "error").put("ename", "ArithmeticException")
                .put("evalue", "\u001B[1m/ by zero\u001B[0m");
        assertEquals(List.of("cell 3 raised ArithmeticException: / by zero"),
                check(notebook(setupCell(), figureCell(png(chart())), cell)));
    }

    @Test
    void stderrOutputIsCaught() throws IOException {
        ObjectNode cell = code("System.err.println(\"careful\");", 2);
        cell.withArray("outputs").addObject().put("output_type", "stream").put("name", "stderr")
                .putArray("text").add("care").add("ful\n");
        assertEquals(List.of("cell 3 wrote to stderr: careful\n"),
                check(notebook(setupCell(), figureCell(png(chart())), cell)));
    }

    @Test
    void aFigureCellWithoutAnImageIsCaught() throws IOException {
        ObjectNode figure = code("show(chart);", 1);
        figure.withArray("outputs").addObject().put("output_type", "stream").put("name", "stdout").put("text", "hi");
        assertEquals(List.of("cell 2 draws a figure but has no image/png output"), check(notebook(setupCell(), figure)));
    }

    @Test
    void blankTinyOrUndecodableImagesAreCaught() throws IOException {
        BufferedImage blank = new BufferedImage(800, 520, BufferedImage.TYPE_INT_RGB);
        List<String> problems = check(notebook(setupCell(), figureCell(png(blank)),
                figureCell(png(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB))),
                figureCell(Base64.getEncoder().encodeToString("not a png".getBytes()))));
        assertEquals(List.of("cell 2: a blank image (1 colours)", "cell 3: a 40x30 image (too small to be a chart)",
                "cell 4: an image/png output that does not decode as PNG"), problems);
    }

    @Test
    void aCellThatDidNotRunIsCaughtAndANotebookNeedsAFigure() throws IOException {
        ObjectNode notRun = code("int y = 2;", 1);
        notRun.putNull("execution_count");
        assertEquals(List.of("cell 2 was not executed", "no figure cell (a cell calling show(chart)) at all"),
                check(notebook(setupCell(), notRun)));
    }

    private List<String> check(ObjectNode nb) throws IOException {
        Path file = dir.resolve("executed.ipynb");
        JSON.writeValue(file.toFile(), nb);
        return ExecutedNotebook.problems(file);
    }

    private static ObjectNode notebook(ObjectNode... cells) {
        ObjectNode nb = JSON.createObjectNode().put("nbformat", 4).put("nbformat_minor", 5);
        ArrayNode list = nb.putArray("cells");
        list.addObject().put("cell_type", "markdown").put("source", "# A notebook");
        for (ObjectNode c : cells) {
            list.add(c);
        }
        return nb;
    }

    private static ObjectNode code(String source, int count) {
        ObjectNode cell = JSON.createObjectNode().put("cell_type", "code").put("execution_count", count);
        cell.putArray("source").add(source);
        cell.putArray("outputs");
        return cell;
    }

    /** The cell that defines show(chart) draws nothing itself. */
    private static ObjectNode setupCell() {
        return code("void show(XYChart c) {\n    display(BitmapEncoder.getBufferedImage(c));\n}", 1);
    }

    private static ObjectNode figureCell(String base64Png) {
        ObjectNode cell = code("show(chart);", 2);
        cell.withArray("outputs").addObject().put("output_type", "display_data").putObject("data")
                .put("image/png", base64Png).put("text/plain", "<image>");
        return cell;
    }

    private static BufferedImage chart() {
        BufferedImage image = new BufferedImage(800, 520, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 800, 520);
        Color[] colours = {Color.RED, Color.BLUE, Color.BLACK, Color.GRAY};
        for (int i = 0; i < colours.length; i++) {
            g.setColor(colours[i]);
            g.fillRect(100 + 150 * i, 100, 120, 300);
        }
        g.dispose();
        return image;
    }

    private static String png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}

package occam.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/** Writes every figure as PNG and an index.html that shows them with a summary table per run. */
final class Report {

    private Report() {}

    /** The files written, index.html last; the page opens with the claims, then the means across seeds, then each run. */
    static List<Path> write(ReportData.Loaded data, List<Claims.Claim> claims, Path claimsFile, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        StringBuilder means = new StringBuilder();
        for (Map.Entry<String, Map<String, XYChart>> task : AggregateFigures.byTask(data).entrySet()) {
            means.append("<h3>").append(escape(task.getKey())).append(": ")
                    .append(escape(AggregateFigures.regimesOf(data.runs(), task.getKey()))).append("</h3>\n");
            for (Map.Entry<String, XYChart> e : task.getValue().entrySet()) {
                Path png = outDir.resolve(e.getKey() + ".png");
                BitmapEncoder.saveBitmap(e.getValue(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
                written.add(png);
                means.append("<figure><img src=\"").append(png.getFileName()).append("\" alt=\"")
                        .append(escape(e.getValue().getTitle())).append("\"></figure>\n");
            }
        }
        Map<String, XYChart> charts = Figures.all(data);
        StringBuilder figures = new StringBuilder();
        for (Map.Entry<String, XYChart> e : charts.entrySet()) {
            Path png = outDir.resolve(e.getKey() + ".png");
            BitmapEncoder.saveBitmap(e.getValue(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(png);
            figures.append("<figure><img src=\"").append(png.getFileName()).append("\" alt=\"")
                    .append(escape(e.getValue().getTitle())).append("\"></figure>\n");
        }
        StringBuilder rows = new StringBuilder();
        for (RunSeries run : data.runs()) {
            double[] peak = run.peakComplexity();
            double last = run.complexityBytes().length == 0 ? Double.NaN : run.complexityBytes()[run.complexityBytes().length - 1];
            rows.append("<tr><td>").append(escape(run.runId())).append("</td><td>").append(escape(run.task()))
                    .append("</td><td>").append(escape(run.regime())).append("</td><td>").append(epoch(run.memorizationEpoch()))
                    .append("</td><td>").append(epoch(run.generalizationEpoch()))
                    .append("</td><td>").append(String.format("%,.0f @%s", peak[1], Figures.fmt(peak[0])))
                    .append("</td><td>").append(String.format("%,.0f", last))
                    .append("</td><td>").append(lastInteger(run)).append("</td></tr>\n");
        }
        String html = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>occam report</title>
                <style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}
                table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
                td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}img{max-width:100%%}%s</style></head>
                <body><h1>Complexity dynamics</h1>
                %s
                <h2>Mean across seeds</h2>
                <p>Per task, each regime's mean across its seeds (n in the legend) with a band of one standard error
                of the mean; a single seed has no band.</p>
                %s
                <h2>Per run</h2>
                <p>Complexity = bzip2 size of the smallest coarse-grained model (low-rank truncation + quantization) whose
                training loss is within epsilon = %s nats of the checkpoint's (settings %s). Memorization: first logged
                epoch with train accuracy &ge; 0.99; generalization: the same for test accuracy.</p>
                <table><tr><th>run</th><th>task</th><th>regime</th><th>memorization</th><th>generalization</th>
                <th>peak complexity (bytes @epoch)</th><th>last complexity (bytes)</th>
                <th>last, integer codec (bytes; paper / integer)</th></tr>
                %s</table>
                %s</body></html>
                """.formatted(ClaimsSection.CSS, ClaimsSection.html(claims, claimsFile.toString(), data.partlyAnalysed()), means, Figures.fmt(data.epsilon()), escape(data.settingsHash()), rows, figures);
        Path index = outDir.resolve("index.html");
        Files.writeString(index, html);
        written.add(index);
        return written;
    }

    private static String lastInteger(RunSeries run) {
        double[] v = run.integerBytes();
        if (v.length == 0 || Double.isNaN(v[v.length - 1])) {
            return "-";
        }
        double paper = run.complexityBytes()[v.length - 1];
        return String.format("%,.0f (%.2fx)", v[v.length - 1], paper / v[v.length - 1]);
    }

    private static String epoch(int e) {
        return e < 0 ? "never" : String.valueOf(e);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

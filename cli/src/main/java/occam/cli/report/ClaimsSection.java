package occam.cli.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The claims as HTML for the top of index.html: per task, each claim with its threshold, numbers and verdict. */
final class ClaimsSection {

    /** The page's style rules for the verdict cells. */
    static final String CSS = ".holds{background:#d4edda;color:#155724}.does-not-hold{background:#f8d7da;color:#721c24}"
            + ".not-enough-data{background:#eee;color:#555}td.verdict{font-weight:bold;text-align:center;white-space:nowrap}"
            + "table.claims td{text-align:left;vertical-align:top}";

    private ClaimsSection() {}

    static String html(List<Claims.Claim> claims, String claimsFile, List<String> partlyAnalysed) {
        StringBuilder sb = new StringBuilder("<section id=\"claims\"><h2>The paper's claims, checked</h2>\n");
        long holds = claims.stream().filter(c -> c.verdict() == Claims.Verdict.HOLDS).count();
        long fails = claims.stream().filter(c -> c.verdict() == Claims.Verdict.DOES_NOT_HOLD).count();
        sb.append("<p>").append(holds).append(" of ").append(claims.size()).append(" claims hold, ").append(fails)
                .append(" do not, ").append(claims.size() - holds - fails)
                .append(" lack the runs to decide. Every verdict is computed from the tables against the threshold beside it"
                        + " (table <code>").append(Report.escape(claimsFile)).append("</code>).</p>\n");
        if (!partlyAnalysed.isEmpty()) {
            sb.append("<p>Left out of the claims, their last checkpoint not analysed yet: ")
                    .append(Report.escape(String.join(", ", partlyAnalysed))).append(".</p>\n");
        }
        Map<String, StringBuilder> byTask = new LinkedHashMap<>();
        for (Claims.Claim c : claims) {
            String css = c.verdict().text.replace(' ', '-');
            byTask.computeIfAbsent(c.task(), t -> new StringBuilder())
                    .append("<tr><td>").append(Report.escape(c.claim())).append("</td><td>").append(Report.escape(c.threshold()))
                    .append("</td><td>").append(Report.escape(c.measured())).append("</td><td>").append(c.runs())
                    .append("</td><td class=\"verdict ").append(css).append("\">").append(c.verdict().text).append("</td></tr>\n");
        }
        byTask.forEach((task, rows) -> sb.append("<h3>").append(Report.escape(task)).append("</h3>\n<table class=\"claims\">")
                .append("<tr><th>claim</th><th>threshold</th><th>measured</th><th>runs</th><th>verdict</th></tr>\n")
                .append(rows).append("</table>\n"));
        if (claims.isEmpty()) {
            sb.append("<p>No analysed run: no claim could be checked.</p>\n");
        }
        return sb.append("</section>\n").toString();
    }
}

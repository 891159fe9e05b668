package occam.analysis.job;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckStatus;
import com.amazon.deequ.constraints.Constraint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Deequ from Java in one place: Scala default arguments passed explicitly, Java lists turned into Scala ones.
 * A rule is a named SQL predicate that every row must satisfy; its name becomes a boolean column in
 * {@link #rowResults}, so a failing row says which rule it broke.
 */
final class Deequ {

    /** One named row-level rule: {@code predicate} is Spark SQL over the checked table's columns. */
    record Rule(String name, String predicate) {}

    private Deequ() {}

    private static Check check(Rule rule) {
        Check empty = new Check(CheckLevel.Error(), rule.name(),
                JavaConverters.asScalaBuffer(new ArrayList<Constraint>()).toSeq());
        return empty.satisfies(rule.predicate(), rule.name(), Check.IsOne(), Option.empty(),
                JavaConverters.asScalaBuffer(new ArrayList<String>()).toList(), Option.empty());
    }

    static VerificationResult verify(Dataset<Row> data, List<Rule> rules) {
        List<Check> checks = rules.stream().map(Deequ::check).toList();
        return VerificationSuite.apply().onData(data).addChecks(JavaConverters.asScalaBuffer(checks).toSeq()).run();
    }

    /** The data with one boolean column per rule, named after the rule. */
    static Dataset<Row> rowResults(SparkSession spark, VerificationResult result, Dataset<Row> data) {
        return VerificationResult.rowLevelResultsAsDataFrame(spark, result, data);
    }

    /** Rule name to pass/fail, for table-level checks. */
    static Map<String, Boolean> verdicts(VerificationResult result) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        JavaConverters.mapAsJavaMap(result.checkResults()).forEach(
                (check, checkResult) -> out.put(check.description(), checkResult.status() == CheckStatus.Success()));
        return out;
    }
}

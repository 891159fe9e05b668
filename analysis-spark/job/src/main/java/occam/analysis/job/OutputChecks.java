package occam.analysis.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import occam.schemas.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Deequ checks on the rows a job is about to publish; a failure stops the job before any partition is replaced. */
final class OutputChecks {

    private OutputChecks() {}

    /** The names of the rules that failed; empty when the rows may be published. */
    static List<String> failures(SparkSession spark, Map<Table, Dataset<Row>> rows, List<Double> epsilons) {
        String epsilonList = epsilons.stream().map(e -> "CAST(" + e + " AS DOUBLE)").collect(Collectors.joining(", "));
        List<String> failed = new ArrayList<>();
        check(rows.get(Table.COMPLEXITY), "complexity", failed, List.of(
                // sizes are byte counts of real bzip2 output
                new Deequ.Rule("complexity_bytes_non_negative", "compressed_bytes >= 0"),
                // only the epsilons the settings asked for
                new Deequ.Rule("complexity_epsilon_from_settings", "epsilon IN (" + epsilonList + ")"),
                // the reported model meets its distortion bound
                new Deequ.Rule("complexity_meets_bound", "loss_increase_nats <= epsilon"),
                new Deequ.Rule("complexity_total_is_sum", "abs(total_description_bits - complexity_bits - data_bits) <= 1e-6 * total_description_bits")));
        check(rows.get(Table.EVALUATIONS), "evaluations", failed, List.of(
                new Deequ.Rule("evaluations_bytes_positive", "compressed_bytes IS NULL OR compressed_bytes > 0"),
                new Deequ.Rule("evaluations_tau_in_unit_interval", "tau >= 0 AND tau <= 1")));
        check(rows.get(Table.BASELINES), "baselines", failed, List.of(
                new Deequ.Rule("baselines_bytes_positive", "naive_bzip2_bytes > 0 AND raw_bytes = 4 * n_parameters")));
        check(rows.get(Table.SPECTRA), "spectra", failed, List.of(
                new Deequ.Rule("spectra_effective_rank_at_least_one", "effective_rank >= 1 - 1e-9 AND rank_kept >= 0")));
        Dataset<Row> complexity = rows.get(Table.COMPLEXITY);
        if (complexity != null) {
            // exactly one complexity row per analysed checkpoint, epsilon and codec
            Dataset<Row> perCheckpoint = complexity.groupBy("run_id", "step", "codec")
                    .agg(org.apache.spark.sql.functions.count("*").as("rows"),
                            org.apache.spark.sql.functions.countDistinct("epsilon").as("epsilons"));
            check(perCheckpoint, "complexity per checkpoint", failed, List.of(new Deequ.Rule(
                    "complexity_one_row_per_epsilon", "rows = " + epsilons.size() + " AND epsilons = " + epsilons.size())));
        }
        return failed;
    }

    private static void check(Dataset<Row> data, String what, List<String> failed, List<Deequ.Rule> rules) {
        if (data == null || data.isEmpty()) {
            return;
        }
        Deequ.verdicts(Deequ.verify(data, rules)).forEach((rule, ok) -> {
            if (!ok) {
                failed.add(rule + " (" + what + ")");
            }
        });
    }
}

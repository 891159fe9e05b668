package occam.cli.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import occam.cli.tables.TableFiles;
import occam.analysis.job.OutputWriter;
import occam.schemas.Archive;
import occam.schemas.RunInfo;
import occam.schemas.Table;

/**
 * Reads an archive (with the schemas library) and an output root (with DuckDB, as the report does) into a
 * {@link Status}. Nothing here needs Spark.
 */
final class StatusReader {

    private static final Pattern EPOCH_FILE = Pattern.compile("epoch-(\\d+)\\.parquet");

    private StatusReader() {}

    static Status read(Path archiveRoot, Path tables) throws SQLException {
        Archive archive = new Archive(archiveRoot);
        List<Status.Run> runs = new ArrayList<>();
        for (String id : archive.runIds()) {
            runs.add(run(archive, archive.readRun(id)));
        }
        List<Status.Analysis> analyses = tables == null ? List.of() : analyses(tables, runs);
        OutputWriter writer = tables == null ? null : OutputWriter.of(tables).orElse(null);
        return new Status(archiveRoot.toString(), runs, tables == null ? null : tables.toString(), writer, analyses);
    }

    private static Status.Run run(Archive archive, RunInfo info) {
        List<Integer> checkpoints = archive.checkpointSteps(info.runId());
        int lastCheckpoint = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1);
        int done = Math.max(lastCheckpoint, lastMetricsEpoch(archive, info.runId()));
        int planned = info.training().epochs();
        // The archive records no completion: a run is complete once its checkpoint of the last planned epoch is
        // written, the trainer's last act (the last epoch's metrics come before it, so they do not say it).
        return new Status.Run(info.runId(), info.task(), info.regime(), info.seed(), done, planned, lastCheckpoint >= planned,
                "last checkpoint", checkpoints);
    }

    /** The highest epoch with a metrics file, read from the file names (reading 1,000 files would take seconds). */
    private static int lastMetricsEpoch(Archive archive, String runId) {
        Path dir = archive.partition(Table.METRICS, runId);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> EPOCH_FILE.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Per settings hash found in complexity or quarantine, sorted by hash. */
    private static List<Status.Analysis> analyses(Path tables, List<Status.Run> runs) throws SQLException {
        Set<String> inArchive = new HashSet<>();
        for (Status.Run r : runs) {
            r.checkpoints().forEach(step -> inArchive.add(key(r.runId(), step)));
        }
        Map<String, Set<String>> analysed = new TreeMap<>();
        Map<String, Set<String>> quarantined = new TreeMap<>();
        Map<String, Map<String, Integer>> checks = new TreeMap<>();
        Map<String, Set<String>> rejectedRuns = new TreeMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement()) {
            // as occam analyze counts them: rows in every table that always holds rows for an analysed checkpoint
            for (Table table : List.of(Table.COMPLEXITY, Table.EVALUATIONS, Table.BASELINES)) {
                Map<String, Set<String>> found = new TreeMap<>();
                if (TableFiles.hasFiles(tables, table)) {
                    try (ResultSet rs = s.executeQuery("SELECT DISTINCT settings_hash, CAST(run_id AS VARCHAR), step FROM "
                            + TableFiles.scan(tables, table))) {
                        while (rs.next()) {
                            found.computeIfAbsent(rs.getString(1), h -> new TreeSet<>()).add(key(rs.getString(2), rs.getInt(3)));
                        }
                    }
                }
                if (table == Table.COMPLEXITY) {
                    analysed.putAll(found);
                } else {
                    analysed.forEach((hash, keys) -> keys.retainAll(found.getOrDefault(hash, Set.of())));
                }
            }
            if (TableFiles.hasFiles(tables, Table.QUARANTINE)) {
                try (ResultSet rs = s.executeQuery("SELECT settings_hash, CAST(run_id AS VARCHAR), step, \"check\" FROM "
                        + TableFiles.scan(tables, Table.QUARANTINE))) {
                    while (rs.next()) {
                        String hash = rs.getString(1);
                        String run = rs.getString(2);
                        int step = rs.getInt(3);
                        boolean wholeRun = rs.wasNull();
                        checks.computeIfAbsent(hash, h -> new TreeMap<>()).merge(rs.getString(4), 1, Integer::sum);
                        if (wholeRun) {
                            rejectedRuns.computeIfAbsent(hash, h -> new TreeSet<>()).add(run);
                        } else {
                            quarantined.computeIfAbsent(hash, h -> new TreeSet<>()).add(key(run, step));
                        }
                    }
                }
            }
        }
        Set<String> hashes = new TreeSet<>(analysed.keySet());
        hashes.addAll(checks.keySet());
        List<Status.Analysis> out = new ArrayList<>();
        for (String hash : hashes) {
            Set<String> done = new HashSet<>(analysed.getOrDefault(hash, Set.of()));
            Set<String> bad = new HashSet<>(quarantined.getOrDefault(hash, Set.of()));
            Set<String> elsewhere = new HashSet<>(done);
            elsewhere.addAll(bad);
            elsewhere.removeAll(inArchive);
            done.removeAll(elsewhere);
            bad.removeAll(elsewhere);
            Set<String> rejected = rejectedRuns.getOrDefault(hash, Set.of());
            for (Status.Run r : runs) {
                if (rejected.contains(r.runId())) {
                    r.checkpoints().forEach(step -> bad.add(key(r.runId(), step)));
                }
            }
            int pending = 0;
            for (String k : inArchive) {
                if (!done.contains(k) && !bad.contains(k)) {
                    pending++;
                }
            }
            out.add(new Status.Analysis(hash, done.size(), bad.size(), pending,
                    new LinkedHashMap<>(checks.getOrDefault(hash, Map.of())), List.copyOf(rejected), elsewhere.size()));
        }
        return out;
    }

    private static String key(String runId, int step) {
        return runId + "@" + step;
    }
}

package io.fleetban.controller.dashboard;

import io.agroal.api.AgroalDataSource;
import io.fleetban.core.failure.FailureKind;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Failures per minute, cluster-wide, without touching the report path or scanning offenses: every
 * few seconds each replica copies the running totals of {@code failure_totals} (a few rows per
 * node) into the current minute of {@code failure_minutes}; a minute's failures are the
 * difference to the minute before.
 */
@ApplicationScoped
public class FailureMinutes {

    private static final Logger LOG = Logger.getLogger(FailureMinutes.class);
    static final String[] KINDS = Arrays.stream(FailureKind.values()).map(FailureKind::wireName).toArray(String[]::new);

    /** The failures of each kind in each minute; minutes without a sample are zero. */
    public record Series(int step, List<String> kinds, List<Map<String, Object>> points) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sample() {
        try (Connection c = dataSource.getConnection()) {
            // The minute before gets this total too if it has none (first start, or after downtime),
            // so the current minute counts from now instead of from nothing.
            for (String minute : new String[] {"date_trunc('minute', now()) - interval '1 minute'",
                    "date_trunc('minute', now())"}) {
                boolean baseline = minute.contains("interval");
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO failure_minutes (minute, kind, total)
                        SELECT %s, k.kind, coalesce(sum(t.total), 0)
                          FROM unnest(?::text[]) AS k (kind) LEFT JOIN failure_totals t ON t.kind = k.kind
                         GROUP BY k.kind
                        ON CONFLICT (minute, kind) DO %s""".formatted(minute, baseline ? "NOTHING"
                        : "UPDATE SET total = greatest(failure_minutes.total, EXCLUDED.total)"))) {
                    ps.setArray(1, c.createArrayOf("text", KINDS));
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            LOG.debugf("could not sample failure totals: %s", e.getMessage());
        }
    }

    @Scheduled(every = "1h", delayed = "3m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM failure_minutes WHERE minute < now() - interval '2 days'")) {
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.debugf("could not prune failure minutes: %s", e.getMessage());
        }
    }

    /** The last {@code minutes} minutes, the current (partial) one last. */
    public Series last(int minutes) throws SQLException {
        Instant current = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Map<Instant, Map<String, Object>> points = new TreeMap<>();
        for (int i = minutes - 1; i >= 0; i--) {
            Instant m = current.minus(i, ChronoUnit.MINUTES);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("minute", m.toString());
            for (String k : KINDS) {
                p.put(k, 0L);
            }
            points.put(m, p);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT minute, kind, failures FROM (
                         SELECT minute, kind, total - lag(total) OVER (PARTITION BY kind ORDER BY minute) AS failures
                           FROM failure_minutes
                          WHERE minute >= date_trunc('minute', now()) - make_interval(mins => ?)) m
                      WHERE failures IS NOT NULL""")) {
            ps.setInt(1, minutes + 10); // a few earlier minutes, so the first one has a predecessor
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> p = points.get(rs.getTimestamp(1).toInstant());
                    if (p != null && p.containsKey(rs.getString(2))) {
                        p.put(rs.getString(2), Math.max(0, rs.getLong(3)));
                    }
                }
            }
        }
        return new Series(60, List.of(KINDS), new ArrayList<>(points.values()));
    }
}

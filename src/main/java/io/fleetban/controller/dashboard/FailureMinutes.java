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
            // A kind never sampled starts from zero the minute before (the migration recorded the
            // totals from before this table existed), so its first failures count where they fell.
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO failure_minutes (minute, kind, total)
                    SELECT date_trunc('minute', now()) - interval '1 minute', k.kind, 0
                      FROM unnest(?::text[]) AS k (kind)
                     WHERE NOT EXISTS (SELECT 1 FROM failure_minutes f WHERE f.kind = k.kind)
                    ON CONFLICT (minute, kind) DO NOTHING""")) {
                ps.setArray(1, c.createArrayOf("text", KINDS));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO failure_minutes (minute, kind, total)
                    SELECT date_trunc('minute', now()), k.kind, coalesce(sum(t.total), 0)
                      FROM unnest(?::text[]) AS k (kind) LEFT JOIN failure_totals t ON t.kind = k.kind
                     GROUP BY k.kind
                    ON CONFLICT (minute, kind) DO UPDATE SET total = greatest(failure_minutes.total, EXCLUDED.total)""")) {
                ps.setArray(1, c.createArrayOf("text", KINDS));
                ps.executeUpdate();
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
                     WITH since AS (SELECT date_trunc('minute', now()) - make_interval(mins => ?) AS start),
                          window_rows AS (
                              SELECT minute, kind, total FROM failure_minutes, since WHERE minute >= start
                              UNION ALL -- each kind's last row before the window: its first minute's predecessor
                              (SELECT DISTINCT ON (kind) minute, kind, total FROM failure_minutes, since
                                WHERE minute < start ORDER BY kind, minute DESC))
                     SELECT minute, kind, total - lag(total) OVER (PARTITION BY kind ORDER BY minute)
                       FROM window_rows""")) {
            ps.setInt(1, minutes - 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> p = points.get(rs.getTimestamp(1).toInstant());
                    if (p != null && p.containsKey(rs.getString(2)) && rs.getObject(3) != null) {
                        p.put(rs.getString(2), Math.max(0, rs.getLong(3)));
                    }
                }
            }
        }
        return new Series(60, List.of(KINDS), new ArrayList<>(points.values()));
    }
}

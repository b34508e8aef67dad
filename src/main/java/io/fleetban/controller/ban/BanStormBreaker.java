package io.fleetban.controller.ban;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.store.Change;
import io.fleetban.controller.store.Notifier;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A fuse against banning the world: a wrong jail setting, a log that suddenly blames a load
 * balancer, or a flood of forged lines could otherwise ban thousands of customers in a minute.
 * Past {@code fleetban.breaker.max-bans-per-minute} automatic bans the breaker trips (for the whole
 * cluster: its state is one row in PostgreSQL); from then on automatic bans are held, not
 * enforced, until an admin confirms. Manual bans are never held.
 */
@ApplicationScoped
public class BanStormBreaker {

    private static final Logger LOG = Logger.getLogger(BanStormBreaker.class);

    /** The breaker as operators see it. */
    public record State(boolean tripped, Instant trippedAt, String reason, long held, Instant confirmedAt,
                        String confirmedBy, int maxBansPerMinute) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetbanConfig config;
    @Inject
    MeterRegistry metrics;

    private volatile boolean tripped;

    @PostConstruct
    void gauge() {
        metrics.gauge("fleetban_breaker_tripped", this, b -> b.tripped ? 1 : 0);
    }

    void onChange(@Observes Change change) {
        if (change.affects(Change.BREAKER)) {
            try {
                tripped = state().tripped();
            } catch (SQLException e) {
                LOG.warnf("could not read the breaker: %s", e.getMessage());
            }
        }
    }

    /**
     * Lets these automatic bans through, or holds them: when the breaker is tripped already, or
     * when they would push the last minute's automatic bans past the limit (which trips it).
     */
    public List<NewBan> admit(List<NewBan> bans) throws SQLException {
        int limit = config.breaker().maxBansPerMinute();
        if (bans.isEmpty() || limit <= 0) {
            return bans;
        }
        try (Connection c = dataSource.getConnection()) {
            if (!tripped) {
                long recent;
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT count(*) FROM bans
                         WHERE origin = 'auto'
                           AND created_at > greatest(now() - interval '1 minute',
                                                     coalesce((SELECT confirmed_at FROM breaker), '-infinity'))""");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    recent = rs.getLong(1);
                }
                if (recent + bans.size() <= limit) {
                    return bans;
                }
                trip(c, recent + bans.size() + " automatic bans within a minute (limit " + limit + ")");
            }
            hold(c, bans);
            return List.of();
        }
    }

    public State state() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT tripped_at, reason, confirmed_at, confirmed_by,
                            (SELECT count(*) FROM held_bans WHERE held_at >= coalesce(breaker.tripped_at, 'infinity'))
                       FROM breaker""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp trippedAt = rs.getTimestamp(1);
            Timestamp confirmedAt = rs.getTimestamp(3);
            return new State(trippedAt != null, trippedAt == null ? null : trippedAt.toInstant(), rs.getString(2),
                    rs.getLong(5), confirmedAt == null ? null : confirmedAt.toInstant(), rs.getString(4),
                    config.breaker().maxBansPerMinute());
        }
    }

    /** An admin has looked: automatic bans flow again, counted from now. */
    public State confirm(String by) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE breaker SET tripped_at = NULL, reason = NULL, confirmed_at = now(), confirmed_by = ?""")) {
            ps.setString(1, by);
            ps.executeUpdate();
            Notifier.notify(c, Change.BREAKER);
        }
        tripped = false;
        LOG.infof("ban-storm breaker confirmed by %s: automatic bans resume", by);
        return state();
    }

    private void trip(Connection c, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE breaker SET tripped_at = now(), reason = ? WHERE tripped_at IS NULL")) {
            ps.setString(1, reason);
            if (ps.executeUpdate() == 1) {
                LOG.errorf("ban-storm breaker TRIPPED: %s; automatic bans are held until an admin confirms "
                        + "(POST /api/v1/breaker/confirm)", reason);
            }
            Notifier.notify(c, Change.BREAKER);
        }
        tripped = true;
    }

    private void hold(Connection c, List<NewBan> bans) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO held_bans (ip, jail, failures, reason) VALUES (?::cidr, ?, ?, ?)")) {
            for (NewBan b : bans) {
                ps.setString(1, b.ip().toString());
                ps.setString(2, b.jail());
                ps.setInt(3, b.failures());
                ps.setString(4, b.reason());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        metrics.counter("fleetban_bans_held_total").increment(bans.size());
        LOG.warnf("ban-storm breaker held %d automatic bans (%s …)", bans.size(), bans.get(0).ip());
    }
}

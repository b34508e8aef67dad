package io.fleetban.controller.ban;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.store.Change;
import io.fleetban.controller.store.Notifier;
import io.fleetban.core.net.Cidr;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The only writer of bans and ban events. Every write first locks the single row of
 * {@code ban_event_log}, so ban-event ids are handed out and committed strictly in order: a
 * follower reading {@code id > cursor} can never skip an event that commits later with a smaller
 * id. Holding that lock also makes "is this ip already banned?" a stable question, so two
 * replicas deciding the same ban at once produce one ban (the unique index on active bans stays
 * as the last line of defence).
 */
@ApplicationScoped
public class BanLedger {

    /** A ban that was written, with the event that announced it. */
    public record Written(long id, Cidr ip, String jail, Instant expiresAt, int banCount) {
    }

    /** A ban that was lifted, with why. */
    public record Lifted(long banId, Cidr ip, String jail) {
    }

    public enum LiftReason {
        EXPIRED, UNBAN, ALLOWLIST;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    Event<BansWritten> bansWritten;

    /**
     * Writes the bans that are still due: an automatic ban is skipped when its ip is already
     * banned; a manual ban replaces the active one. Returns what was written.
     */
    @Transactional
    public List<Written> ban(List<NewBan> bans, Duration history) throws SQLException {
        if (bans.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection()) {
            long next = lockLog(c);
            long first = next;
            Map<Cidr, NewBan> wanted = new LinkedHashMap<>();
            bans.forEach(b -> wanted.putIfAbsent(b.ip(), b));
            Map<Cidr, ActiveRow> active = activeBans(c, new ArrayList<>(wanted.keySet()));
            List<Lifted> expired = new ArrayList<>();
            List<Long> replaced = new ArrayList<>();
            for (var it = wanted.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                ActiveRow row = active.get(e.getKey());
                if (row == null) {
                    continue;
                }
                if (e.getValue().replacesActive()) {
                    replaced.add(row.id);
                } else if (row.expiresAt.isAfter(Instant.now())) {
                    it.remove(); // already banned: nothing to do
                } else {
                    expired.add(new Lifted(row.id, e.getKey(), row.jail)); // its expiry is still unwritten
                }
            }
            next = writeLifts(c, expired, LiftReason.EXPIRED, next);
            markReplaced(c, replaced);
            Map<String, Integer> previous = previousBans(c, wanted.values(), history);
            List<Written> written = new ArrayList<>();
            List<BansWritten.Ban> announced = new ArrayList<>();
            try (PreparedStatement ban = c.prepareStatement("""
                    INSERT INTO bans (id, ip, jail, origin, reason, failures, ban_count, evidence, created_by,
                                      created_at, expires_at)
                    VALUES (?, ?::cidr, ?, ?, ?, ?, ?, ?::jsonb, ?, now(), now() + make_interval(secs => ?))
                    RETURNING expires_at""");
                 PreparedStatement event = c.prepareStatement("""
                    INSERT INTO ban_events (id, type, ip, jail, ban_id, expires_at, reason)
                    VALUES (?, 'ban', ?::cidr, ?, ?, ?, ?)""")) {
                for (NewBan b : wanted.values()) {
                    long id = ++next;
                    int prior = previous.getOrDefault(b.ip() + "\u0000" + b.jail(), 0);
                    Duration length = b.policy() != null ? b.policy().banDuration(prior) : b.manualDuration();
                    ban.setLong(1, id);
                    ban.setString(2, b.ip().toString());
                    ban.setString(3, b.jail());
                    ban.setString(4, b.origin().wireName());
                    ban.setString(5, b.reason());
                    ban.setInt(6, b.failures());
                    ban.setInt(7, prior + 1);
                    ban.setString(8, b.evidenceJson());
                    ban.setString(9, b.createdBy());
                    ban.setLong(10, length.getSeconds());
                    Instant expires;
                    try (ResultSet rs = ban.executeQuery()) {
                        rs.next();
                        expires = rs.getTimestamp(1).toInstant();
                    }
                    event.setLong(1, id);
                    event.setString(2, b.ip().toString());
                    event.setString(3, b.jail());
                    event.setLong(4, id);
                    event.setTimestamp(5, Timestamp.from(expires));
                    event.setString(6, b.reason());
                    event.addBatch();
                    Written w = new Written(id, b.ip(), b.jail(), expires, prior + 1);
                    written.add(w);
                    announced.add(new BansWritten.Ban(b, w));
                }
                event.executeBatch();
            }
            finish(c, first, next);
            if (!announced.isEmpty()) {
                bansWritten.fire(new BansWritten(announced));
            }
            return written;
        }
    }

    /** Lifts the active bans of these ips or ranges (exactly these values); returns what was lifted. */
    @Transactional
    public List<Lifted> lift(List<Cidr> ips, LiftReason reason) throws SQLException {
        if (ips.isEmpty()) {
            return List.of();
        }
        return liftWhere("ip = ANY (?::cidr[])", (c, ps) -> ps.setArray(1, textArray(c, ips)), reason);
    }

    /** Lifts every active ban whose ip lies inside one of these networks (an allowlist entry). */
    @Transactional
    public List<Lifted> liftWithin(List<Cidr> networks, LiftReason reason) throws SQLException {
        if (networks.isEmpty()) {
            return List.of();
        }
        return liftWhere("ip && ANY (?::cidr[])", (c, ps) -> ps.setArray(1, textArray(c, networks)), reason);
    }

    /** Turns bans whose time is up into unban events; returns how many. */
    @Transactional
    public int expire() throws SQLException {
        return liftWhere("expires_at <= now() ORDER BY expires_at LIMIT 10000", (c, ps) -> { }, LiftReason.EXPIRED)
                .size();
    }

    private interface Bind {
        void to(Connection c, PreparedStatement ps) throws SQLException;
    }

    /** Under the log's lock: lifts the active bans {@code where} selects, one unban event each. */
    private List<Lifted> liftWhere(String where, Bind bind, LiftReason reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long first = lockLog(c);
            List<Lifted> lifted = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, ip::text, jail FROM bans WHERE lifted_at IS NULL AND " + where)) {
                bind.to(c, ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lifted.add(new Lifted(rs.getLong(1), Cidr.parse(rs.getString(2)), rs.getString(3)));
                    }
                }
            }
            finish(c, first, writeLifts(c, lifted, reason, first));
            return lifted;
        }
    }

    /** Deletes ban events older than {@code keep}: history only, no follower needs them. */
    @Transactional
    public int pruneEvents(Duration keep) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM ban_events WHERE created_at < now() - make_interval(secs => ?)")) {
            ps.setLong(1, keep.getSeconds());
            return ps.executeUpdate();
        }
    }

    private record ActiveRow(long id, String jail, Instant expiresAt) {
    }

    private static long lockLog(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_id FROM ban_event_log FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void finish(Connection c, long first, long last) throws SQLException {
        if (last == first) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE ban_event_log SET last_id = ?")) {
            ps.setLong(1, last);
            ps.executeUpdate();
        }
        Notifier.notify(c, Change.EVENTS);
    }

    private static Map<Cidr, ActiveRow> activeBans(Connection c, List<Cidr> ips) throws SQLException {
        Map<Cidr, ActiveRow> active = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT ip::text, id, jail, expires_at FROM bans
                 WHERE lifted_at IS NULL AND ip = ANY (?::cidr[])""")) {
            ps.setArray(1, textArray(c, ips));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    active.put(Cidr.parse(rs.getString(1)),
                            new ActiveRow(rs.getLong(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return active;
    }

    private static long writeLifts(Connection c, List<Lifted> lifts, LiftReason reason, long next)
            throws SQLException {
        if (lifts.isEmpty()) {
            return next;
        }
        try (PreparedStatement lift = c.prepareStatement(
                "UPDATE bans SET lifted_at = now(), lift_reason = ? WHERE id = ?");
             PreparedStatement event = c.prepareStatement("""
                     INSERT INTO ban_events (id, type, ip, jail, ban_id, reason)
                     VALUES (?, 'unban', ?::cidr, ?, ?, ?)""")) {
            for (Lifted l : lifts) {
                lift.setString(1, reason.wireName());
                lift.setLong(2, l.banId());
                lift.addBatch();
                event.setLong(1, ++next);
                event.setString(2, l.ip().toString());
                event.setString(3, l.jail());
                event.setLong(4, l.banId());
                event.setString(5, reason.wireName());
                event.addBatch();
            }
            lift.executeBatch();
            event.executeBatch();
        }
        return next;
    }

    private static void markReplaced(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE bans SET lifted_at = now(), lift_reason = 'replaced' WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        }
    }

    /** How often each (ip, jail) was banned within {@code history}: bantime.increment's memory. */
    private static Map<String, Integer> previousBans(Connection c, java.util.Collection<NewBan> bans,
                                                     Duration history) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        List<Cidr> ips = bans.stream().filter(b -> b.policy() != null && b.policy().increment())
                .map(NewBan::ip).toList();
        if (ips.isEmpty()) {
            return counts;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT ip::text, jail, count(*) FROM bans
                 WHERE ip = ANY (?::cidr[]) AND created_at > now() - make_interval(secs => ?)
                 GROUP BY ip, jail""")) {
            ps.setArray(1, textArray(c, ips));
            ps.setLong(2, history.getSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(Cidr.parse(rs.getString(1)) + "\u0000" + rs.getString(2), rs.getInt(3));
                }
            }
        }
        return counts;
    }

    static Array textArray(Connection c, List<Cidr> ips) throws SQLException {
        return c.createArrayOf("text", ips.stream().map(Cidr::toString).toArray());
    }
}

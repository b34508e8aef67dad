package io.fleetban.controller.ban;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.time.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Manual bans and unbans, and the list of active bans for operators. */
@ApplicationScoped
public class BanService {

    /** Manual range bans wider than these would cut off whole providers by a typo. */
    public static final int WIDEST_V4 = 16;
    public static final int WIDEST_V6 = 48;
    private static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    private static final Duration LONGEST = Duration.ofDays(3650);

    public record BanView(long id, String ip, String jail, String origin, String reason, int failures,
                          int banCount, JsonNode evidence, String createdBy, Instant created, Instant expires,
                          long ttl) {
    }

    public record Page(long total, List<BanView> bans) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    BanLedger ledger;
    @Inject
    BanGuard guard;
    @Inject
    FleetbanConfig config;
    @Inject
    ObjectMapper json;

    public BanLedger.Written ban(String ip, String duration, String reason, String by) throws SQLException {
        Cidr target = target(ip);
        Duration length = DEFAULT_DURATION;
        if (duration != null) {
            try {
                length = Durations.parse(duration);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("duration", e.getMessage());
            }
            if (length.compareTo(LONGEST) > 0) {
                throw ApiException.badRequest("duration", "duration is longer than 10 years");
            }
        }
        if (reason != null && reason.length() > 500) {
            throw ApiException.badRequest("reason", "reason is longer than 500 characters");
        }
        String refusal = guard.refusal(target);
        if (refusal != null) {
            throw ApiException.conflict("ip", refusal + "; it is never banned");
        }
        String why = reason == null || reason.isBlank() ? "manual ban by " + by : reason;
        return ledger.ban(List.of(NewBan.manual(target, length, why, by)),
                Durations.parse(config.reports().banHistory())).get(0);
    }

    public BanLedger.Lifted unban(String ip) throws SQLException {
        Cidr target = target(ip);
        List<BanLedger.Lifted> lifted = ledger.lift(List.of(target), BanLedger.LiftReason.UNBAN);
        if (lifted.isEmpty()) {
            throw ApiException.notFound(target + " is not banned");
        }
        return lifted.get(0);
    }

    public Page active(String jail, String query, int limit, int offset) throws SQLException {
        String where = " WHERE lifted_at IS NULL AND expires_at > now()"
                + (jail != null ? " AND jail = ?" : "")
                + (query != null ? " AND strpos(ip::text, ?) > 0" : "");
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bans" + where)) {
                bind(ps, jail, query);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<BanView> bans = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, ip::text, jail, origin, reason, failures, ban_count, evidence::text, created_by,
                           created_at, expires_at FROM bans""" + where
                    + " ORDER BY created_at DESC, id DESC LIMIT " + limit + " OFFSET " + offset)) {
                bind(ps, jail, query);
                try (ResultSet rs = ps.executeQuery()) {
                    Instant now = Instant.now();
                    while (rs.next()) {
                        Instant expires = rs.getTimestamp(11).toInstant();
                        bans.add(new BanView(rs.getLong(1), Cidr.parse(rs.getString(2)).toString(), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7),
                                json.readTree(rs.getString(8)), rs.getString(9), rs.getTimestamp(10).toInstant(),
                                expires, Math.max(0, Duration.between(now, expires).getSeconds())));
                    }
                } catch (IOException e) {
                    throw new SQLException("unreadable evidence", e);
                }
            }
            return new Page(total, bans);
        }
    }

    private static void bind(PreparedStatement ps, String jail, String query) throws SQLException {
        int i = 1;
        if (jail != null) {
            ps.setString(i++, jail);
        }
        if (query != null) {
            ps.setString(i, query);
        }
    }

    /** An IP or a range no wider than /16 (IPv4) or /48 (IPv6). */
    static Cidr target(String ip) {
        if (ip == null || ip.isBlank()) {
            throw ApiException.badRequest("ip", "ip is required (an address or a CIDR range)");
        }
        Cidr c;
        try {
            c = Cidr.parse(ip.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("ip", e.getMessage());
        }
        int widest = c.isV4() ? WIDEST_V4 : WIDEST_V6;
        if (c.prefix() < widest) {
            throw ApiException.badRequest("ip", c + " is wider than /" + widest + "; ban smaller ranges");
        }
        return c;
    }
}

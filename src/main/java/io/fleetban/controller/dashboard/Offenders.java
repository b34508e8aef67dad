package io.fleetban.controller.dashboard;

import io.agroal.api.AgroalDataSource;
import io.fleetban.core.net.Cidr;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worst offenders of the last hours, from the automatic bans (small and indexed by time,
 * unlike the offenses of an attack in progress): the ips with the most failures that led to a
 * ban, and the /24 (IPv4) or /64 (IPv6) networks with the most banned ips. Grouping a day of
 * bans during an attack takes a few hundred milliseconds, and every open console asks every few
 * seconds, so an answer is reused for {@value #FRESH_SECONDS} s.
 */
@ApplicationScoped
public class Offenders {

    public record Ip(String ip, long bans, long failures, Instant lastBan, boolean active, List<String> jails) {
    }

    public record Network(String network, long ips, long bans, long failures) {
    }

    public record Top(int hours, List<Ip> ips, List<Network> networks) {
    }

    static final int FRESH_SECONDS = 15;

    private record Cached(Top top, Instant at) {
    }

    @Inject
    AgroalDataSource dataSource;

    private final Map<List<Integer>, Cached> cache = new ConcurrentHashMap<>();

    public Top top(int hours, int limit) throws SQLException {
        List<Integer> key = List.of(hours, limit);
        Cached c = cache.get(key);
        if (c != null && c.at.isAfter(Instant.now().minusSeconds(FRESH_SECONDS))) {
            return c.top;
        }
        Top top = query(hours, limit);
        cache.put(key, new Cached(top, Instant.now()));
        return top;
    }

    private Top query(int hours, int limit) throws SQLException {
        List<Ip> ips = new ArrayList<>();
        List<Network> networks = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT ip::text, count(*), sum(failures), max(created_at),
                           bool_or(lifted_at IS NULL AND expires_at > now()), array_agg(DISTINCT jail)
                      FROM bans
                     WHERE origin = 'auto' AND created_at > now() - make_interval(hours => ?)
                     GROUP BY bans.ip ORDER BY sum(failures) DESC, count(*) DESC, bans.ip LIMIT ?""")) {
                ps.setInt(1, hours);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ips.add(new Ip(Cidr.parse(rs.getString(1)).toString(), rs.getLong(2), rs.getLong(3),
                                rs.getTimestamp(4).toInstant(), rs.getBoolean(5),
                                Arrays.asList((String[]) rs.getArray(6).getArray())));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT set_masklen(ip, CASE WHEN family(ip) = 4 THEN 24 ELSE 64 END)::text AS net,
                           count(DISTINCT ip), count(*), sum(failures)
                      FROM bans
                     WHERE origin = 'auto' AND created_at > now() - make_interval(hours => ?)
                     GROUP BY net ORDER BY count(DISTINCT ip) DESC, sum(failures) DESC, net LIMIT ?""")) {
                ps.setInt(1, hours);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        networks.add(new Network(Cidr.parse(rs.getString(1)).toString(), rs.getLong(2),
                                rs.getLong(3), rs.getLong(4)));
                    }
                }
            }
        }
        return new Top(hours, ips, networks);
    }
}

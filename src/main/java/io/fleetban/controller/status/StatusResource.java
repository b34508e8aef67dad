package io.fleetban.controller.status;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.auth.Allowed;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.ban.BanStormBreaker;
import io.fleetban.controller.ban.NewBan;
import io.fleetban.controller.decision.DecisionFeed;
import io.fleetban.controller.jail.JailRegistry;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.jail.JailPolicy;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/status}: fail2ban-client's status in JSON — per jail the currently and total
 * failed, the currently and total banned, and the banned ips.
 */
@Path("/api/v1/status")
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    @Inject
    AgroalDataSource dataSource;
    @Inject
    JailRegistry jails;
    @Inject
    DecisionFeed feed;
    @Inject
    BanStormBreaker breaker;

    @GET
    public Map<String, Object> status() throws SQLException {
        List<JailPolicy> all = jails.all();
        Map<String, Object> perJail = new LinkedHashMap<>();
        Counts counts = counts();
        for (JailPolicy j : all) {
            perJail.put(j.name(), jail(j.name(), j.enabled(), counts));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number_of_jail", all.size());
        out.put("jail_list", all.stream().map(JailPolicy::name).toList());
        out.put("jails", perJail);
        out.put("manual", jail(NewBan.MANUAL_JAIL, true, counts));
        out.put("breaker", breaker.state());
        out.put("cursor", feed.cursor());
        return out;
    }

    @GET
    @Path("/{jail}")
    public Map<String, Object> status(@PathParam("jail") String name) throws SQLException {
        JailPolicy j = jails.all().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no jail named '" + name + "'"));
        Map<String, Object> out = jail(j.name(), j.enabled(), counts());
        out.put("jail", j.name());
        return out;
    }

    private record Counts(Map<String, Long> currentlyFailed, Map<String, Long> totalFailed,
                          Map<String, Long> totalBanned, Map<String, List<String>> bannedIps) {
    }

    private Map<String, Object> jail(String name, boolean enabled, Counts c) {
        List<String> banned = c.bannedIps.getOrDefault(name, List.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("currently_failed", c.currentlyFailed.getOrDefault(name, 0L));
        m.put("total_failed", c.totalFailed.getOrDefault(name, 0L));
        m.put("currently_banned", banned.size());
        m.put("total_banned", c.totalBanned.getOrDefault(name, 0L));
        m.put("banned_ips", banned);
        return m;
    }

    private Counts counts() throws SQLException {
        Map<String, List<String>> banned = new HashMap<>();
        for (DecisionFeed.Active a : feed.activeBans()) {
            banned.computeIfAbsent(a.jail(), k -> new ArrayList<>()).add(a.ip().toString());
        }
        banned.values().forEach(l -> l.sort(null));
        try (Connection c = dataSource.getConnection()) {
            return new Counts(
                    byJail(c, """
                            SELECT j.name, count(DISTINCT o.ip)
                              FROM offenses o JOIN jails j ON o.kind = ANY (j.kinds)
                             WHERE o.received_at > now() - make_interval(secs => ?)
                               AND o.last_at > now() - make_interval(secs => j.findtime_s)
                               AND NOT EXISTS (SELECT 1 FROM bans b WHERE b.ip = o.ip::cidr
                                                AND b.lifted_at IS NULL AND b.expires_at > now())
                             GROUP BY j.name""", jails.longestFindtime().getSeconds() + 3600),
                    byJail(c, """
                            SELECT j.name, sum(t.total)::bigint
                              FROM failure_totals t JOIN jails j ON t.kind = ANY (j.kinds)
                             GROUP BY j.name""", null),
                    byJail(c, "SELECT jail, count(*) FROM bans GROUP BY jail", null),
                    banned);
        }
    }

    private static Map<String, Long> byJail(Connection c, String sql, Long param) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setLong(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }
}

package io.fleetban.controller.ban;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.jail.JailRegistry;
import io.fleetban.core.jail.JailPolicy;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpAddress;
import io.fleetban.core.time.Durations;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Where failures become bans. After a report is committed, one query asks, for the report's ips
 * and every enabled jail, whether the failures of the jail's kinds within findtime, summed over
 * all nodes, reached maxretry. As in fail2ban, counting starts afresh after each ban of the ip in
 * that jail. Addresses the {@link BanGuard} protects (allowlist, controller, nodes) are counted but
 * never banned.
 *
 * <p>The check runs after the report's own commit, so of two reports committed at the same time
 * on two replicas, at least the later check sees both; both may decide the same ban, and the
 * {@link BanLedger} writes it once.
 */
@ApplicationScoped
public class BanEngine {

    private static final Logger LOG = Logger.getLogger(BanEngine.class);

    /** Failures reported after a ban are measured from their (agent-corrected) time; the arrival
     * filter only prunes partitions and leaves room for agents that spooled for a while. */
    private static final long ARRIVAL_MARGIN_SECONDS = 3600;
    private static final int EVIDENCE_SAMPLES = 3;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    BanLedger ledger;
    @Inject
    JailRegistry jails;
    @Inject
    BanGuard guard;
    @Inject
    BanStormBreaker breaker;
    @Inject
    FleetbanConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry metrics;

    /** Decides and writes the bans due for these ips; returns the bans written. */
    public List<BanLedger.Written> decide(Collection<IpAddress> ips) throws SQLException {
        if (ips.isEmpty()) {
            return List.of();
        }
        Map<String, Due> due = overThreshold(ips);
        due.values().removeIf(d -> {
            String refusal = guard.refusal(Cidr.of(d.ip));
            if (refusal != null) {
                LOG.infof("not banning %s in jail %s after %d failures: %s", d.ip, d.jail, d.failures, refusal);
            }
            return refusal != null;
        });
        if (due.isEmpty()) {
            return List.of();
        }
        Map<String, ObjectNode> evidence = evidence(due.values());
        List<NewBan> bans = new ArrayList<>();
        for (Due d : due.values()) {
            JailPolicy policy = jails.policy(d.jail);
            if (policy == null) {
                continue; // deleted or disabled since the query ran
            }
            String reason = d.failures + " failures in " + Durations.format(policy.findtime())
                    + " (maxretry " + policy.maxretry() + ")";
            ObjectNode ev = evidence.getOrDefault(d.ip.toString(), json.createObjectNode());
            bans.add(NewBan.auto(Cidr.of(d.ip), policy, (int) Math.min(d.failures, Integer.MAX_VALUE), reason,
                    ev.toString()));
        }
        List<BanLedger.Written> written = ledger.ban(breaker.admit(bans),
                Durations.parse(config.reports().banHistory()));
        written.forEach(w -> metrics.counter("fleetban_bans_total", "jail", w.jail()).increment());
        return written;
    }

    private record Due(IpAddress ip, String jail, long failures) {
    }

    /** One query for all of the report's ips and all jails: who is due for a ban, and where. */
    private Map<String, Due> overThreshold(Collection<IpAddress> ips) throws SQLException {
        Map<String, Due> due = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     WITH counted AS (
                         SELECT o.ip, j.name AS jail, j.maxretry, o.count, o.last_at
                           FROM offenses o
                           JOIN jails j ON j.enabled AND o.kind = ANY (j.kinds)
                          WHERE o.ip = ANY (?::inet[])
                            AND o.received_at > now() - make_interval(secs => ?)
                            AND o.received_at <= now()
                            AND o.last_at > now() - make_interval(secs => j.findtime_s)),
                     -- All failures in findtime bound those since the last ban: only ips over it
                     -- are worth looking up in bans.
                     candidates AS (
                         SELECT ip, jail FROM counted GROUP BY ip, jail, maxretry HAVING sum(count) >= maxretry)
                     SELECT host(c.ip), c.jail, sum(c.count)
                       FROM counted c JOIN candidates USING (ip, jail)
                      WHERE c.last_at > coalesce((SELECT max(b.created_at) FROM bans b
                                                   WHERE b.ip = c.ip::cidr AND b.jail = c.jail), '-infinity')
                        AND NOT EXISTS (SELECT 1 FROM bans b
                                         WHERE b.ip = c.ip::cidr AND b.lifted_at IS NULL AND b.expires_at > now())
                      GROUP BY c.ip, c.jail, c.maxretry
                     HAVING sum(c.count) >= c.maxretry""")) {
            ps.setArray(1, c.createArrayOf("text", ips.stream().map(IpAddress::toString).distinct().toArray()));
            ps.setLong(2, jails.longestFindtime().getSeconds() + ARRIVAL_MARGIN_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    IpAddress ip = IpAddress.parse(rs.getString(1));
                    Due d = new Due(ip, rs.getString(2), rs.getLong(3));
                    // One ban per ip: of several jails due at once, the first one wins.
                    due.merge(ip.toString(), d, (a, b) -> a.jail.compareTo(b.jail) <= 0 ? a : b);
                }
            }
        }
        return due;
    }

    /** For each ip to ban: which nodes saw what, when, and a few of the log lines. */
    private Map<String, ObjectNode> evidence(Collection<Due> due) throws SQLException {
        Map<String, ObjectNode> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT host(ip), node, kind, sum(count), min(first_at), max(last_at),
                            (array_agg(sample ORDER BY last_at DESC) FILTER (WHERE sample IS NOT NULL))[1:?]
                       FROM offenses
                      WHERE ip = ANY (?::inet[]) AND received_at > now() - make_interval(secs => ?)
                        AND last_at > now() - make_interval(secs => ?)
                      GROUP BY ip, node, kind""")) {
            ps.setInt(1, EVIDENCE_SAMPLES);
            ps.setArray(2, c.createArrayOf("text", due.stream().map(d -> d.ip.toString()).toArray()));
            long window = jails.longestFindtime().getSeconds();
            ps.setLong(3, window + ARRIVAL_MARGIN_SECONDS);
            ps.setLong(4, window);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String ip = IpAddress.parse(rs.getString(1)).toString();
                    ObjectNode ev = out.computeIfAbsent(ip, k -> json.createObjectNode());
                    ObjectNode nodes = ev.has("nodes") ? (ObjectNode) ev.get("nodes") : ev.putObject("nodes");
                    ObjectNode node = nodes.has(rs.getString(2)) ? (ObjectNode) nodes.get(rs.getString(2))
                            : nodes.putObject(rs.getString(2));
                    node.put(rs.getString(3), rs.getLong(4));
                    String first = rs.getTimestamp(5).toInstant().toString();
                    String last = rs.getTimestamp(6).toInstant().toString();
                    if (!ev.has("first") || ev.get("first").asText().compareTo(first) > 0) {
                        ev.put("first", first);
                    }
                    if (!ev.has("last") || ev.get("last").asText().compareTo(last) < 0) {
                        ev.put("last", last);
                    }
                    java.sql.Array samples = rs.getArray(7);
                    if (samples != null) {
                        ArrayNode list = ev.has("samples") ? (ArrayNode) ev.get("samples") : ev.putArray("samples");
                        for (Object s : (Object[]) samples.getArray()) {
                            if (list.size() < EVIDENCE_SAMPLES * 2) {
                                list.add((String) s);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}

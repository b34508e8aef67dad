package io.fleetban.controller.node;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.auth.Role;
import io.fleetban.controller.auth.Tokens;
import io.fleetban.controller.decision.DecisionFeed;
import io.fleetban.controller.store.Change;
import io.fleetban.controller.store.Notifier;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpAddress;
import io.fleetban.core.net.IpSet;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Nodes and their tokens, and what each node last did and from where. Polls and addresses are
 * recorded in memory and written every few seconds, so 1 000 agents long-polling cost one UPDATE
 * batch, not 1 000 writes.
 */
@ApplicationScoped
public class NodeService {

    private static final Logger LOG = Logger.getLogger(NodeService.class);
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public record NodeView(String name, Instant created, Instant lastReport, Long lastSeq, Instant lastPoll,
                           Long cursor, Long cursorLag, String address, Instant tokenLastUsed) {
    }

    private record Poll(Instant at, long cursor) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    DecisionFeed feed;

    private final Map<String, Poll> polls = new ConcurrentHashMap<>();
    private final Map<String, IpAddress> addresses = new ConcurrentHashMap<>();
    private volatile IpSet nodeAddresses = IpSet.empty();

    /** Registers a node; returns its token, which is stored only as a hash. */
    @Transactional
    public String create(String name) throws SQLException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name",
                    "a node name is 1-63 characters of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO nodes (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.conflict("name", "a node named '" + name + "' exists already");
                }
            }
            return issueToken(c, name);
        }
    }

    /** Revokes the node's tokens and issues a new one: the old token stops working at once, everywhere. */
    @Transactional
    public String rotate(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            revoke(c, name);
            return issueToken(c, name);
        }
    }

    /** Revokes every token of the node; returns how many were valid. */
    @Transactional
    public int revoke(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            int n = revoke(c, name);
            Notifier.notify(c, Change.TOKENS);
            return n;
        }
    }

    /** Removes the node and its tokens; its past offenses and bans stay as history. */
    @Transactional
    public void delete(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM nodes WHERE name = ?")) {
            ps.setString(1, name);
            if (ps.executeUpdate() == 0) {
                throw ApiException.notFound("no node named '" + name + "'");
            }
            Notifier.notify(c, Change.TOKENS);
        }
        addresses.remove(name);
    }

    private static int revoke(Connection c, String name) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM nodes WHERE name = ? FOR UPDATE")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no node named '" + name + "'");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE tokens SET revoked_at = now() WHERE node = ? AND revoked_at IS NULL")) {
            ps.setString(1, name);
            return ps.executeUpdate();
        }
    }

    private static String issueToken(Connection c, String name) throws SQLException {
        String token = Tokens.generate();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tokens (hash, name, role, node) VALUES (?, ?, ?, ?)")) {
            ps.setBytes(1, Tokens.hash(token));
            ps.setString(2, name);
            ps.setString(3, Role.AGENT.wireName());
            ps.setString(4, name);
            ps.executeUpdate();
        }
        Notifier.notify(c, Change.TOKENS);
        return token;
    }

    public List<NodeView> list() throws SQLException {
        long head = feed.cursor();
        List<NodeView> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT n.name, n.created_at, n.last_report_at, n.last_seq, n.last_poll_at, n.poll_cursor,
                            host(n.address),
                            (SELECT max(t.last_used_at) FROM tokens t WHERE t.node = n.name AND t.revoked_at IS NULL)
                       FROM nodes n ORDER BY n.name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                Instant lastPoll = instant(rs.getTimestamp(5));
                Long cursor = rs.getObject(6) == null ? null : rs.getLong(6);
                Poll mine = polls.get(name); // newer than the database when this replica served it lately
                if (mine != null && (lastPoll == null || mine.at.isAfter(lastPoll))) {
                    lastPoll = mine.at;
                    cursor = mine.cursor;
                }
                out.add(new NodeView(name, instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)),
                        rs.getObject(4) == null ? null : rs.getLong(4), lastPoll, cursor,
                        cursor == null ? null : Math.max(0, head - cursor), rs.getString(7),
                        instant(rs.getTimestamp(8))));
            }
        }
        return out;
    }

    /** A node asked for decisions holding {@code cursor}: what it has applied. */
    public void polled(String node, long cursor) {
        polls.put(node, new Poll(Instant.now(), cursor));
    }

    /** A node's request came from {@code address}: from now on that address is never banned. */
    public void seen(String node, String address) {
        IpAddress ip;
        try {
            ip = IpAddress.parse(address);
        } catch (IllegalArgumentException e) {
            return; // a Unix socket or a proxy's odd notation: nothing to protect
        }
        if (!ip.equals(addresses.put(node, ip)) && !nodeAddresses.contains(ip)) {
            List<Cidr> grown = new ArrayList<>(nodeAddresses.entries());
            grown.add(Cidr.of(ip));
            nodeAddresses = IpSet.of(grown);
        }
    }

    /** The addresses the fleet's nodes were last seen at, on any replica (at most seconds old). */
    public IpSet nodeAddresses() {
        return nodeAddresses;
    }

    /** Writes this replica's observations and reads everyone's node addresses. */
    @Scheduled(every = "5s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        Map<String, Poll> batch = new HashMap<>(polls);
        batch.forEach(polls::remove);
        Map<String, IpAddress> seenAt = new HashMap<>(addresses);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE nodes SET last_poll_at = ?, poll_cursor = ?
                     WHERE name = ? AND (last_poll_at IS NULL OR last_poll_at < ?)""")) {
                for (var e : batch.entrySet()) {
                    Timestamp at = Timestamp.from(e.getValue().at);
                    ps.setTimestamp(1, at);
                    ps.setLong(2, e.getValue().cursor);
                    ps.setString(3, e.getKey());
                    ps.setTimestamp(4, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE nodes SET address = ?::inet WHERE name = ? AND address IS DISTINCT FROM ?::inet""")) {
                for (var e : seenAt.entrySet()) {
                    ps.setString(1, e.getValue().toString());
                    ps.setString(2, e.getKey());
                    ps.setString(3, e.getValue().toString());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            List<Cidr> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT host(address) FROM nodes WHERE address IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(Cidr.of(IpAddress.parse(rs.getString(1))));
                }
            }
            seenAt.values().forEach(ip -> all.add(Cidr.of(ip)));
            nodeAddresses = IpSet.of(new java.util.HashSet<>(all));
        } catch (SQLException e) {
            batch.forEach(polls::putIfAbsent); // try again next time
            LOG.debugf("could not record polls: %s", e.getMessage());
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}

package io.fleetban.controller.auth;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.store.Change;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every valid token of the fleet, by SHA-256, held in memory so authenticating a request never
 * waits for the database (agents long-poll on the event loop). Reloaded on {@link Change#TOKENS}
 * from any replica; a token the map does not know yet (created a millisecond ago, the
 * notification still on its way) is looked up by hash, at most {@value #MISS_LOOKUPS_PER_SECOND}
 * times a second so a flood of made-up tokens can't hammer the database.
 */
@ApplicationScoped
public class TokenRegistry {

    private static final Logger LOG = Logger.getLogger(TokenRegistry.class);
    static final int MISS_LOOKUPS_PER_SECOND = 20;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetbanConfig config;

    private volatile Map<ByteBuffer, Caller> byHash = Map.of();
    private long missWindowStart;
    private int missesInWindow;
    private final Map<ByteBuffer, Instant> used = new ConcurrentHashMap<>();

    void onChange(@Observes Change change) {
        if (change.affects(Change.TOKENS)) {
            reload();
        }
    }

    /** The caller a token belongs to, or null. Never blocks. */
    public Caller find(String token) {
        byte[] hash = Tokens.hash(token);
        Caller c = byHash.get(ByteBuffer.wrap(hash));
        if (c == null) {
            c = bootstrapAdmin(hash);
        }
        if (c != null) {
            used.put(ByteBuffer.wrap(hash), Instant.now());
        }
        return c;
    }

    /** Whether a miss may be looked up in the database now. */
    public synchronized boolean mayLookUp() {
        long now = System.nanoTime();
        if (now - missWindowStart > 1_000_000_000L) {
            missWindowStart = now;
            missesInWindow = 0;
        }
        return ++missesInWindow <= MISS_LOOKUPS_PER_SECOND;
    }

    /** The caller of a token the registry did not know, straight from the database; blocks. */
    public Caller lookUp(String token) {
        byte[] hash = Tokens.hash(token);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT name, role, node FROM tokens WHERE hash = ? AND revoked_at IS NULL")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Caller caller = new Caller(rs.getString(1), Role.fromWireName(rs.getString(2)), rs.getString(3), hash);
                Map<ByteBuffer, Caller> grown = new HashMap<>(byHash);
                grown.put(ByteBuffer.wrap(hash), caller);
                byHash = grown;
                used.put(ByteBuffer.wrap(hash), Instant.now());
                return caller;
            }
        } catch (SQLException e) {
            LOG.warnf("could not look up a token: %s", e.getMessage());
            return null;
        }
    }

    public synchronized void reload() {
        Map<ByteBuffer, Caller> fresh = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT hash, name, role, node FROM tokens WHERE revoked_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byte[] hash = rs.getBytes(1);
                fresh.put(ByteBuffer.wrap(hash),
                        new Caller(rs.getString(2), Role.fromWireName(rs.getString(3)), rs.getString(4), hash));
            }
            byHash = fresh;
        } catch (SQLException e) {
            LOG.warnf("could not load tokens: %s", e.getMessage());
        }
    }

    /** Writes last-used times in one statement every few seconds instead of one per request. */
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flushLastUsed() {
        if (used.isEmpty()) {
            return;
        }
        Map<ByteBuffer, Instant> batch = new HashMap<>(used);
        batch.forEach(used::remove);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE tokens SET last_used_at = greatest(last_used_at, ?) WHERE hash = ?")) {
            for (var e : batch.entrySet()) {
                ps.setTimestamp(1, Timestamp.from(e.getValue()));
                ps.setBytes(2, e.getKey().array());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            LOG.debugf("could not record token use: %s", e.getMessage());
        }
    }

    private Caller bootstrapAdmin(byte[] hash) {
        return config.adminToken()
                .filter(t -> !t.isBlank())
                .map(Tokens::hash)
                .filter(h -> MessageDigest.isEqual(h, hash))
                .map(h -> new Caller("admin", Role.ADMIN, null, h))
                .orElse(null);
    }
}

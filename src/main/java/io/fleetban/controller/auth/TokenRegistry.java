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
 * from any replica; a token the map does not know triggers at most one reload a second, so a
 * token created a millisecond ago on another replica still works.
 */
@ApplicationScoped
public class TokenRegistry {

    private static final Logger LOG = Logger.getLogger(TokenRegistry.class);
    private static final long MISS_RELOAD_INTERVAL_NANOS = 1_000_000_000L;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetbanConfig config;

    private volatile Map<ByteBuffer, Caller> byHash = Map.of();
    private volatile long lastReload;
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

    /** Whether a miss is worth a reload now (rate-limited, so unknown tokens can't hammer the database). */
    public boolean mayReload() {
        return System.nanoTime() - lastReload > MISS_RELOAD_INTERVAL_NANOS;
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
        } finally {
            lastReload = System.nanoTime();
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

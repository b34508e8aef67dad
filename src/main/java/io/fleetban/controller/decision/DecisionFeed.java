package io.fleetban.controller.decision;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.ban.BanEvent;
import io.fleetban.controller.store.Change;
import io.fleetban.core.net.Cidr;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * This replica's in-memory copy of the ban-event log's tail and of the active bans, kept in step
 * with PostgreSQL by reading {@code ban_events} after every {@link Change#EVENTS}. Every
 * decisions request, snapshot or delta, long-poll or not, is answered from here: 1 000 agents
 * polling cost no database connection and no thread while they wait.
 *
 * <p>One writer (the LISTEN thread, or the safety tick) applies events strictly in id order;
 * readers take the cursor first, then read, so whatever they see is at least as new as the cursor
 * they return, and replaying events after it is idempotent for the client.
 */
@ApplicationScoped
public class DecisionFeed {

    private static final Logger LOG = Logger.getLogger(DecisionFeed.class);

    /** A ban as followers see it. */
    public record Active(Cidr ip, String jail, long banId, Instant expiresAt) {
    }

    /** What a follower gets for its cursor: everything ({@code full}) or the changes since. */
    public record Decisions(long cursor, boolean full, List<Active> bans, List<Active> unbans) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetbanConfig config;
    @Inject
    MeterRegistry metrics;

    private final Map<Cidr, Active> active = new ConcurrentHashMap<>();
    private final AtomicInteger waiters = new AtomicInteger();
    private BanEvent[] ring;
    /** Events with ids in (floor, applied] are in the ring (at most ring.length of them). */
    private volatile long floor = -1;
    private volatile long applied = -1;
    private volatile CompletableFuture<Long> nextChange = new CompletableFuture<>();

    void init(@Observes io.quarkus.runtime.StartupEvent ev) {
        ring = new BanEvent[config.feed().memoryEvents()];
        metrics.gauge("fleetban_longpoll_waiters", waiters);
        metrics.gauge("fleetban_active_bans", active, Map::size);
        metrics.gauge("fleetban_feed_cursor", this, f -> f.applied);
    }

    void onChange(@Observes Change change) {
        if (change.affects(Change.EVENTS)) {
            refresh();
        }
    }

    /** Safety net for a notification lost while the LISTEN connection was being re-established. */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        refresh();
    }

    public long cursor() {
        return applied;
    }

    public boolean ready() {
        return applied >= 0;
    }

    /** Reads new events from PostgreSQL and applies them; loads everything on first use. */
    public synchronized void refresh() {
        try (Connection c = dataSource.getConnection()) {
            if (applied < 0) {
                load(c);
            }
            while (true) {
                List<BanEvent> batch = readAfter(c, applied, 10_000);
                if (batch.isEmpty()) {
                    return;
                }
                for (BanEvent e : batch) {
                    if (e.id() != applied + 1) {
                        // Ids are dense by construction; a hole means this read raced a commit: retry later.
                        LOG.debugf("ban event %d not yet visible after %d", applied + 1, applied);
                        return;
                    }
                    apply(e);
                }
                publish();
            }
        } catch (SQLException e) {
            LOG.warnf("could not read ban events: %s", e.getMessage());
        }
    }

    /** Current snapshot or the changes after {@code since}, if there are any yet. */
    public Decisions read(long since) {
        long cursor = applied;
        if (since <= 0 || since < floor || since > cursor) {
            return snapshot(cursor);
        }
        Map<Cidr, BanEvent> last = new HashMap<>();
        for (long id = since + 1; id <= cursor; id++) {
            BanEvent e = ring[(int) (id % ring.length)];
            if (e == null || e.id() != id) {
                return snapshot(cursor); // overwritten while we read: the client resyncs
            }
            last.put(e.ip(), e);
        }
        Instant now = Instant.now();
        List<Active> bans = new ArrayList<>();
        List<Active> unbans = new ArrayList<>();
        for (BanEvent e : last.values()) {
            Active a = new Active(e.ip(), e.jail(), e.banId(), e.expiresAt());
            if (e.isBan() && e.expiresAt().isAfter(now)) {
                bans.add(a);
            } else {
                unbans.add(a);
            }
        }
        return new Decisions(cursor, false, bans, unbans);
    }

    /**
     * The decisions after {@code since}, waiting up to {@code wait} for a change. While waiting,
     * the request holds neither a thread nor a database connection.
     */
    public Uni<Decisions> await(long since, Duration wait) {
        if (since > applied) {
            // A cursor ahead of ours may come from a replica a few ms ahead: catch up first (on a
            // worker, it reads the database); still ahead means it is from another history: resync.
            return Uni.createFrom().item(() -> {
                refresh();
                return since > applied ? snapshot(applied) : null;
            }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .flatMap(d -> d != null ? Uni.createFrom().item(d) : awaitChange(since, wait));
        }
        return awaitChange(since, wait);
    }

    private Uni<Decisions> awaitChange(long since, Duration wait) {
        CompletableFuture<Long> change = nextChange; // before reading the cursor: see class comment
        if (wait.isZero() || since <= 0 || since != applied) {
            return Uni.createFrom().item(read(since));
        }
        waiters.incrementAndGet();
        // A copy per waiter: a timed-out waiter cancels its stage, never the one others share.
        return Uni.createFrom().completionStage(change.copy())
                .ifNoItem().after(wait).recoverWithItem(since)
                .map(ignored -> read(since))
                .onTermination().invoke(waiters::decrementAndGet);
    }

    private Decisions snapshot(long cursor) {
        Instant now = Instant.now();
        List<Active> bans = new ArrayList<>(active.size());
        for (Active a : active.values()) {
            if (a.expiresAt().isAfter(now)) {
                bans.add(a);
            }
        }
        return new Decisions(cursor, true, bans, List.of());
    }

    public List<Active> activeBans() {
        Instant now = Instant.now();
        return active.values().stream().filter(a -> a.expiresAt().isAfter(now)).toList();
    }

    private void apply(BanEvent e) {
        if (e.isBan()) {
            active.put(e.ip(), new Active(e.ip(), e.jail(), e.banId(), e.expiresAt()));
        } else {
            active.computeIfPresent(e.ip(), (ip, a) -> a.banId() == e.banId() ? null : a);
        }
        ring[(int) (e.id() % ring.length)] = e;
        applied = e.id();
        if (applied - floor > ring.length) {
            floor = applied - ring.length;
        }
    }

    private void publish() {
        CompletableFuture<Long> done = nextChange;
        nextChange = new CompletableFuture<>();
        done.complete(applied);
    }

    /** Active bans and the cursor they correspond to, read in one consistent snapshot. */
    private void load(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            long last;
            try (PreparedStatement ps = c.prepareStatement("SELECT last_id FROM ban_event_log");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT ip::text, jail, id, expires_at FROM bans WHERE lifted_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Cidr ip = Cidr.parse(rs.getString(1));
                    active.put(ip, new Active(ip, rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant()));
                }
            }
            c.commit();
            floor = last;
            applied = last;
            LOG.infof("decision feed loaded: %d active bans at cursor %d", active.size(), last);
        } finally {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(auto);
        }
        publish();
    }

    private static List<BanEvent> readAfter(Connection c, long after, int limit) throws SQLException {
        List<BanEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, type, ip::text, jail, ban_id, expires_at, reason FROM ban_events
                 WHERE id > ? ORDER BY id LIMIT ?""")) {
            ps.setLong(1, after);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp exp = rs.getTimestamp(6);
                    out.add(new BanEvent(rs.getLong(1),
                            "ban".equals(rs.getString(2)) ? BanEvent.Type.BAN : BanEvent.Type.UNBAN,
                            Cidr.parse(rs.getString(3)), rs.getString(4), rs.getLong(5),
                            exp == null ? null : exp.toInstant(), rs.getString(7)));
                }
            }
        }
        return out;
    }
}

package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpSet;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the firewall in step with the controller's bans. It remembers every ban with its expiry,
 * so a delta that fails (the table was flushed by someone, a kernel refused an element) is
 * repaired by a full resync from memory, without asking the controller. Allowlisted addresses
 * and the node's own never reach the firewall, whatever the controller sends.
 *
 * <p>The full resync also runs every {@link #RESYNC_EVERY} (a {@code systemctl reload nftables}
 * flushes the whole ruleset, our table with it) and when a range ban expires: an nftables interval
 * set can't hold a range inside another one, so the inner range waits for the outer one to go.
 */
public final class Enforcer {

    static final Duration RESYNC_EVERY = Duration.ofMinutes(5);
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(Enforcer.class.getName());

    private final Firewall firewall;
    private final IpSet allowlist;
    private final Supplier<IpSet> ownAddresses;
    private final Clock clock;
    private final Map<Cidr, Instant> expiries = new HashMap<>();
    private Instant lastAttempt = Instant.MIN;
    private Instant lastResync = Instant.MIN;
    private Instant nextRangeExpiry = Instant.MAX;
    private boolean failed;
    /** False until the controller's first full list: before that an empty memory must not empty the kernel's sets. */
    private boolean known;

    /**
     * @param allowlist    never banned (the {@code --allow} networks)
     * @param ownAddresses this node's addresses, asked before each change
     */
    public Enforcer(Firewall firewall, IpSet allowlist, Supplier<IpSet> ownAddresses, Clock clock) {
        this.firewall = firewall;
        this.allowlist = allowlist;
        this.ownAddresses = ownAddresses;
        this.clock = clock;
    }

    public Firewall firewall() {
        return firewall;
    }

    /** Creates the table or sets and rules if missing, keeping the bans in the kernel. */
    public synchronized void setup() throws FirewallException {
        firewall.setup();
    }

    /** The controller's complete list: it replaces what we had. */
    public synchronized void full(Collection<Ban> bans) {
        Instant now = clock.instant();
        known = true;
        expiries.clear();
        for (Ban b : bans) {
            expiries.merge(b.target(), now.plusSeconds(b.ttlSeconds()), (x, y) -> x.isAfter(y) ? x : y);
        }
        resync(now, "the controller's full list");
    }

    /** Changes since the last answer: unbans first, then new or renewed bans. Only after a {@link #full}. */
    public synchronized void delta(Collection<Ban> bans, Collection<Cidr> unbans) {
        if (!known) {
            throw new IllegalStateException("a delta before the controller's first full list");
        }
        Instant now = clock.instant();
        IpSet own = ownAddresses.get();
        List<Ban> permitted = new ArrayList<>(bans.size());
        for (Ban b : bans) {
            if (permitted(b.target(), own)) {
                permitted.add(b);
            }
        }
        boolean nested = touchesNestedRanges(permitted, unbans);
        for (Cidr c : unbans) {
            expiries.remove(c);
        }
        for (Ban b : permitted) {
            expiries.put(b.target(), now.plusSeconds(b.ttlSeconds()));
        }
        if (failed) {
            maintain(); // the last resync failed: retry on its schedule, not on every delta
            return;
        }
        if (permitted.isEmpty() && unbans.isEmpty()) {
            return;
        }
        if (nested) {
            resync(now, "a range inside or around another range changed");
            return;
        }
        try {
            firewall.delta(permitted, unbans);
            LOG.log(Level.DEBUG, "applied {0} bans, {1} unbans", permitted.size(), unbans.size());
        } catch (FirewallException e) {
            LOG.log(Level.WARNING, "applying {0} bans and {1} unbans failed, resyncing everything: {2}",
                    permitted.size(), unbans.size(), e.getMessage());
            resync(now, "the delta failed");
        }
    }

    /** Called regularly (after every poll): the periodic, range-expiry and retry resyncs. */
    public synchronized void maintain() {
        Instant now = clock.instant();
        if (!known) {
            return;
        }
        if (failed) {
            if (!now.isBefore(lastAttempt.plus(RETRY_AFTER))) {
                resync(now, "retry");
            }
        } else if (!now.isBefore(nextRangeExpiry)) {
            resync(now, "a range ban expired");
        } else if (!now.isBefore(lastResync.plus(RESYNC_EVERY))) {
            resync(now, null);
        }
    }

    /**
     * Also drops what is no longer permitted: an address this node gained since its ban arrived.
     *
     * @param reason for the log; null for the quiet periodic resync
     */
    private void resync(Instant now, String reason) {
        IpSet own = ownAddresses.get();
        expiries.entrySet().removeIf(e -> !e.getValue().isAfter(now) || !permitted(e.getKey(), own));
        List<Ban> bans = new ArrayList<>(expiries.size());
        Instant rangeExpiry = Instant.MAX;
        for (Map.Entry<Cidr, Instant> e : expiries.entrySet()) {
            long ms = Duration.between(now, e.getValue()).toMillis();
            bans.add(new Ban(e.getKey(), Math.max(1, (ms + 999) / 1000)));
            if (!e.getKey().isHost() && e.getValue().isBefore(rangeExpiry)) {
                rangeExpiry = e.getValue();
            }
        }
        lastAttempt = now;
        try {
            long started = System.nanoTime();
            firewall.full(bans);
            LOG.log(reason == null ? Level.DEBUG : Level.INFO, "full resync ({0}): {1} bans in {2} ms",
                    reason == null ? "periodic" : reason, bans.size(), (System.nanoTime() - started) / 1_000_000);
            failed = false;
            lastResync = now;
            nextRangeExpiry = rangeExpiry;
        } catch (FirewallException e) {
            failed = true;
            LOG.log(Level.ERROR, "full resync of {0} bans failed, retrying in {1} s; the bans already in the kernel stay: {2}",
                    bans.size(), RETRY_AFTER.toSeconds(), e.getMessage());
        }
    }

    private boolean permitted(Cidr target, IpSet own) {
        if (covers(allowlist, target)) {
            LOG.log(Level.WARNING, "not banning {0}: allowlisted (--allow)", target);
            return false;
        }
        if (covers(own, target)) {
            LOG.log(Level.WARNING, "not banning {0}: an address of this node", target);
            return false;
        }
        return true;
    }

    private static boolean covers(IpSet set, Cidr target) {
        return target.isHost() ? set.contains(target.address()) : set.overlaps(target);
    }

    /** True when a range in this delta overlaps another range, remembered or in the delta. */
    private boolean touchesNestedRanges(List<Ban> bans, Collection<Cidr> unbans) {
        List<Cidr> changed = new ArrayList<>();
        bans.forEach(b -> changed.add(b.target()));
        changed.addAll(unbans);
        changed.removeIf(Cidr::isHost);
        if (changed.isEmpty()) {
            return false;
        }
        List<Cidr> ranges = new ArrayList<>(changed);
        expiries.keySet().stream().filter(c -> !c.isHost()).forEach(ranges::add);
        for (Cidr c : changed) {
            for (Cidr r : ranges) {
                if (!r.equals(c) && r.overlaps(c)) {
                    return true;
                }
            }
        }
        return false;
    }
}

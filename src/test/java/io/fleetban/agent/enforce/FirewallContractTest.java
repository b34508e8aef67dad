package io.fleetban.agent.enforce;

import static io.fleetban.testing.VethPair.NODE4;
import static io.fleetban.testing.VethPair.NODE6;
import static io.fleetban.testing.VethPair.PEER4;
import static io.fleetban.testing.VethPair.PEER6;
import static io.fleetban.testing.VethPair.PEER_RANGE4;
import static io.fleetban.testing.VethPair.PEER_RANGE6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpAddress;
import io.fleetban.core.net.IpSet;
import io.fleetban.core.net.LocalAddresses;
import io.fleetban.testing.Netns;
import io.fleetban.testing.VethPair;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every real firewall must do, checked with packets: a "peer" namespace sends UDP to a
 * "node" namespace where the firewall runs ({@link VethPair}). {@link NftFirewallTest} and
 * {@link IptablesFirewallTest} run it against nftables and iptables+ipset.
 */
abstract class FirewallContractTest {

    static final FirewallOptions DEFAULTS = FirewallOptions.defaults();
    static final int SIP = VethPair.ECHO_PORTS[0];
    static final int OTHER = VethPair.ECHO_PORTS[1];

    abstract Firewall firewall(Netns ns, FirewallOptions options);

    /** Skips the test unless this firewall's tools work inside {@code ns}. */
    abstract void assumeTools(Netns ns);

    /** Every banned address or range the kernel holds in our sets. */
    abstract Set<String> members(Netns ns);

    abstract int memberCount(Netns ns);

    /** Our rules as the tool lists them. */
    abstract String rules(Netns ns);

    /** Removes our sets and rules behind the agent's back, as a ruleset reload would. */
    abstract void wipe(Netns ns);

    static Ban ban(String target, long ttl) {
        return new Ban(Cidr.parse(target), ttl);
    }

    static List<Cidr> cidrs(String... targets) {
        List<Cidr> out = new ArrayList<>();
        for (String t : targets) {
            out.add(Cidr.parse(t));
        }
        return out;
    }

    private VethPair pair() {
        VethPair pair = VethPair.create(getClass().getSimpleName().startsWith("Nft") ? "n" : "i");
        try {
            assumeTools(pair.node);
        } catch (RuntimeException | Error e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private Enforcer enforcer(Firewall firewall, IpSet allowlist, Clock clock) {
        return new Enforcer(firewall, allowlist, LocalAddresses::enumerate, clock);
    }

    @Test
    void aBannedPeerIsDroppedAndAnUnbanLetsItThroughAgain() throws Exception {
        try (VethPair pair = pair()) {
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS), IpSet.empty(), Clock.systemUTC());
            e.setup();
            e.full(List.of());
            assertTrue(pair.reaches(NODE4, SIP) && pair.reaches(NODE6, SIP), "reachable before any ban");
            e.delta(List.of(ban(PEER4, 600)), List.of());
            assertFalse(pair.reaches(NODE4, SIP), "IPv4 peer banned");
            assertFalse(pair.reaches(NODE4, OTHER), "all ports are dropped without --ports");
            assertTrue(pair.reaches(NODE6, SIP), "the peer's IPv6 address is not banned");
            e.delta(List.of(ban(PEER6, 600)), cidrs(PEER4));
            assertTrue(pair.reaches(NODE4, SIP), "IPv4 unbanned");
            assertFalse(pair.reaches(NODE6, SIP), "IPv6 peer banned");
            e.delta(List.of(), cidrs(PEER6));
            assertTrue(pair.reaches(NODE6, SIP), "IPv6 unbanned");
            assertEquals(Set.of(), members(pair.node));
        }
    }

    @Test
    void aRangeBanDropsEveryAddressInIt() throws Exception {
        try (VethPair pair = pair()) {
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS), IpSet.empty(), Clock.systemUTC());
            e.setup();
            e.full(List.of(ban(PEER_RANGE4, 600), ban(PEER_RANGE6, 600), ban("203.0.113.9", 600)));
            assertEquals(Set.of(PEER_RANGE4, PEER_RANGE6, "203.0.113.9"), members(pair.node));
            assertFalse(pair.reaches(NODE4, SIP));
            assertFalse(pair.reaches(NODE6, SIP));
            e.delta(List.of(), cidrs(PEER_RANGE4, PEER_RANGE6));
            assertTrue(pair.reaches(NODE4, SIP));
            assertTrue(pair.reaches(NODE6, SIP));
        }
    }

    @Test
    void portsLimitTheDropToThosePorts() throws Exception {
        try (VethPair pair = pair()) {
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS.withPorts(List.of(5060, 5061, 5080, 5081))),
                    IpSet.empty(), Clock.systemUTC());
            e.setup();
            e.full(List.of(ban(PEER4, 600), ban(PEER6, 600)));
            assertFalse(pair.reaches(NODE4, SIP));
            assertFalse(pair.reaches(NODE6, SIP));
            assertTrue(pair.reaches(NODE4, OTHER), "port " + OTHER + " is not a SIP port");
            assertTrue(pair.reaches(NODE6, OTHER));
        }
    }

    @Test
    void setupAndFullResyncAreIdempotentAndKeepExistingBans() throws Exception {
        try (VethPair pair = pair()) {
            Firewall f = firewall(pair.node, DEFAULTS);
            f.setup();
            String rules = rules(pair.node);
            f.full(List.of(ban(PEER4, 600)));
            f.setup();
            f.setup();
            assertEquals(Set.of(PEER4), members(pair.node), "setup keeps the bans");
            f.full(List.of(ban(PEER4, 600)));
            f.full(List.of(ban(PEER4, 900)));
            assertEquals(rules, rules(pair.node), "no rule added twice");
            assertFalse(pair.reaches(NODE4, SIP));
            // A second agent (a restart, the run command) sets up the same firewall again.
            firewall(pair.node, DEFAULTS).setup();
            assertEquals(rules, rules(pair.node));
            assertEquals(Set.of(PEER4), members(pair.node));
        }
    }

    @Test
    void allowlistedAndOwnAddressesAreNeverInserted() throws Exception {
        try (VethPair pair = pair()) {
            List<String> own = ownAddresses();
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS), IpSet.of(cidrs(PEER4, "192.0.2.0/24")), Clock.systemUTC());
            e.setup();
            List<Ban> sent = new ArrayList<>(List.of(ban(PEER4, 600), ban("192.0.2.7", 600), ban("192.0.0.0/16", 600),
                    ban("127.0.0.0/8", 600), ban("203.0.113.9", 600)));
            own.forEach(a -> sent.add(ban(a, 600)));
            e.full(sent);
            assertEquals(Set.of("203.0.113.9"), members(pair.node), "only what is neither allowlisted nor ours, own=" + own);
            e.delta(sent, List.of());
            assertEquals(Set.of("203.0.113.9"), members(pair.node));
            assertTrue(pair.reaches(NODE4, SIP), "the allowlisted peer still gets through");
        }
    }

    @Test
    void anAddressTheNodeGainsLeavesTheFirewallAtTheNextResync() throws Exception {
        try (VethPair pair = pair()) {
            AtomicReference<IpSet> own = new AtomicReference<>(IpSet.empty());
            MutableClock clock = new MutableClock();
            Enforcer e = new Enforcer(firewall(pair.node, DEFAULTS), IpSet.empty(), own::get, clock);
            e.setup();
            e.full(List.of(ban("203.0.113.9", 3600), ban("203.0.113.10", 3600)));
            own.set(IpSet.of(cidrs("203.0.113.10"))); // a failover address moved to this node
            clock.advance(Enforcer.RESYNC_EVERY);
            e.maintain();
            assertEquals(Set.of("203.0.113.9"), members(pair.node));
        }
    }

    @Test
    void aFailedDeltaFallsBackToAFullResyncFromMemory() throws Exception {
        try (VethPair pair = pair()) {
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS), IpSet.empty(), Clock.systemUTC());
            e.setup();
            e.full(List.of(ban("203.0.113.9", 600), ban(PEER6, 600)));
            wipe(pair.node);
            e.delta(List.of(ban(PEER4, 600)), List.of());
            assertEquals(Set.of("203.0.113.9", PEER4, PEER6), members(pair.node));
            assertFalse(pair.reaches(NODE4, SIP));
            assertFalse(pair.reaches(NODE6, SIP));
        }
    }

    @Test
    void aWipedFirewallIsRebuiltByThePeriodicResync() throws Exception {
        try (VethPair pair = pair()) {
            MutableClock clock = new MutableClock();
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS), IpSet.empty(), clock);
            e.setup();
            e.full(List.of(ban(PEER4, 3600)));
            wipe(pair.node);
            e.maintain();
            assertTrue(pair.reaches(NODE4, SIP), "not due yet");
            clock.advance(Enforcer.RESYNC_EVERY);
            e.maintain();
            assertEquals(Set.of(PEER4), members(pair.node));
            assertFalse(pair.reaches(NODE4, SIP));
        }
    }

    @Test
    void aRangeInsideAnotherAppearsWhenTheOuterOneExpires() throws Exception {
        try (VethPair pair = pair()) {
            MutableClock clock = new MutableClock();
            Enforcer e = enforcer(firewall(pair.node, DEFAULTS), IpSet.empty(), clock);
            e.setup();
            e.full(List.of(ban("198.51.100.0/24", 60)));
            e.delta(List.of(ban("198.51.100.0/25", 3600)), List.of());
            assertTrue(members(pair.node).contains("198.51.100.0/24"));
            e.delta(List.of(), cidrs("198.51.100.0/24"));
            assertTrue(members(pair.node).contains("198.51.100.0/25"), "after the unban: " + members(pair.node));
            e.delta(List.of(ban("198.51.100.0/24", 60)), List.of());
            clock.advance(Duration.ofSeconds(61));
            e.maintain();
            assertEquals(Set.of("198.51.100.0/25"), members(pair.node));
        }
    }

    @Test
    void aFullResyncOf100000BansSucceedsInOneGo() throws Exception {
        try (VethPair pair = pair()) {
            Firewall f = firewall(pair.node, DEFAULTS);
            f.setup();
            List<Ban> bans = new ArrayList<>(hundredThousandBans());
            bans.set(0, ban(PEER4, 600));
            Collections.shuffle(bans);
            long started = System.nanoTime();
            f.full(bans);
            long ms = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("%s: full resync of %d bans in %d ms%n", getClass().getSimpleName(), bans.size(), ms);
            assertEquals(100_000, memberCount(pair.node));
            assertFalse(pair.reaches(NODE4, SIP));
            f.full(bans.subList(0, 10));
            assertEquals(10, memberCount(pair.node));
        }
    }

    /** 100 000 distinct IPv4 addresses in 100.64.0.0/10, plus a few ranges. */
    static List<Ban> hundredThousandBans() {
        List<Ban> bans = new ArrayList<>(100_000);
        for (int i = 0; bans.size() < 99_990; i++) {
            int n = (100 << 24) | (64 << 16) | (i + 1);
            bans.add(new Ban(Cidr.of(IpAddress.of(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n})),
                    300 + i % 3600));
        }
        for (int i = 0; i < 10; i++) {
            bans.add(ban("198.18." + (i * 16) + ".0/20", 600));
        }
        return bans;
    }

    /** This machine's addresses as the agent sees them (the tests' namespaces are elsewhere). */
    static List<String> ownAddresses() throws Exception {
        Set<String> out = new TreeSet<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                out.add(IpAddress.of(a.getAddress()).toString());
            }
        }
        assertTrue(out.contains("127.0.0.1"), "loopback is among the node's addresses: " + out);
        return List.copyOf(out);
    }

    /** Test time, moved by hand, so the periodic and range-expiry resyncs can be reached. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

package io.fleetban.agent.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fleetban.agent.ControllerClient;
import io.fleetban.core.firewall.Ban;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpSet;
import io.fleetban.core.net.LocalAddresses;
import io.fleetban.testing.FirewallState;
import io.fleetban.testing.Netns;
import io.fleetban.testing.TestDatabase;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The poller with recorded controller answers and against a controller that is down, driving
 * nftables in a throwaway namespace. (Against the real controller: the end-to-end tests.)
 */
class DecisionPollerTest {

    private static final FirewallOptions DEFAULTS = FirewallOptions.defaults();

    private static Set<String> banned(Netns ns) {
        Set<String> out = new TreeSet<>();
        for (boolean v6 : new boolean[] {false, true}) {
            out.addAll(FirewallState.nftElements(ns, DEFAULTS.set(v6)).keySet());
            out.addAll(FirewallState.nftElements(ns, DEFAULTS.nets(v6)).keySet());
        }
        return out;
    }

    private static ControllerClient nobodyListening() {
        return new ControllerClient(URI.create("http://127.0.0.1:" + TestDatabase.freePort()), "agent-token");
    }

    private static DecisionPoller poller(Netns ns) throws FirewallException {
        Enforcer enforcer = new Enforcer(new NftFirewall(DEFAULTS, ns.prefix()), IpSet.empty(),
                LocalAddresses::enumerate, Clock.systemUTC());
        DecisionPoller p = new DecisionPoller(nobodyListening(), enforcer);
        p.setup();
        return p;
    }

    @Test
    void recordedAnswersDriveTheFirewall() throws Exception {
        try (Netns ns = Netns.create("poll")) {
            DecisionPoller p = poller(ns);
            // The first answer replaces everything, even one not marked full.
            p.apply(DecisionsTest.parse("""
                    {"cursor":5,"full":false,"bans":[{"ip":"203.0.113.9","ttl":600,"jail":"freeswitch"},
                      {"ip":"198.51.100.0/24","ttl":600,"jail":"manual"}],"unbans":[]}"""));
            assertEquals(5, p.cursor());
            assertEquals(Set.of("203.0.113.9", "198.51.100.0/24"), banned(ns));

            p.apply(DecisionsTest.parse("""
                    {"cursor":6,"full":false,"bans":[{"ip":"2001:db8::7","ttl":60,"jail":"freeswitch-dos"}],
                     "unbans":["203.0.113.9","192.0.2.55"]}"""));
            assertEquals(Set.of("2001:db8::7", "198.51.100.0/24"), banned(ns));

            p.apply(DecisionsTest.parse("""
                    {"cursor":8,"full":false,"bans":[{"ip":"203.0.113.20 drop","ttl":60},{"ip":"203.0.113.21","ttl":60}],
                     "unbans":["198.51.100.0/24","; nft flush ruleset"]}"""));
            assertEquals(Set.of("2001:db8::7", "203.0.113.21"), banned(ns));
            assertEquals(Map.of("203.0.113.21", "1m"), FirewallState.nftElements(ns, "banned4"));

            p.apply(DecisionsTest.parse("{\"cursor\":8,\"full\":false,\"bans\":[],\"unbans\":[]}"));
            assertEquals(8, p.cursor());

            p.apply(DecisionsTest.parse("""
                    {"cursor":12,"full":true,"bans":[{"ip":"192.0.2.1","ttl":99}],"unbans":["2001:db8::7"]}"""));
            assertEquals(Set.of("192.0.2.1"), banned(ns));
            assertEquals(12, p.cursor());
        }
    }

    @Test
    void whileTheControllerIsDownTheBansStayInPlace() throws Exception {
        try (Netns ns = Netns.create("down")) {
            // What an earlier run of the agent left in the kernel.
            new NftFirewall(DEFAULTS, ns.prefix()).full(List.of(new Ban(Cidr.parse("203.0.113.9"), 3600),
                    new Ban(Cidr.parse("2001:db8::/32"), 3600)));
            Enforcer enforcer = new Enforcer(new NftFirewall(DEFAULTS, ns.prefix()), IpSet.empty(),
                    LocalAddresses::enumerate, Clock.systemUTC());
            DecisionPoller p = new DecisionPoller(nobodyListening(), enforcer);
            p.start();
            try {
                Thread.sleep(2_500); // at least two failed polls and a backoff
                assertEquals(Set.of("203.0.113.9", "2001:db8::/32"), banned(ns));
            } finally {
                p.close();
            }
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("fleetban-enforce") && t.isAlive()), "the poller thread stopped");
            assertEquals(Set.of("203.0.113.9", "2001:db8::/32"), banned(ns), "stopping leaves the bans");
        }
    }
}

package io.fleetban.core.firewall;

import static io.fleetban.testing.FirewallState.nftElements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.net.Cidr;
import io.fleetban.testing.Netns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftRulesetTest {

    private static final FirewallOptions DEFAULTS = FirewallOptions.defaults();

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

    private static final String SETUP = """
            add table inet fleetban
            add set inet fleetban banned4 { type ipv4_addr; flags timeout; }
            add set inet fleetban banned4_nets { type ipv4_addr; flags interval, timeout; }
            add set inet fleetban banned6 { type ipv6_addr; flags timeout; }
            add set inet fleetban banned6_nets { type ipv6_addr; flags interval, timeout; }
            add chain inet fleetban input { type filter hook input priority -10; policy accept; }
            flush chain inet fleetban input
            """;

    @Test
    void fullResyncCreatesFlushesAndFillsInOneScript() {
        String script = NftRuleset.full(List.of(ban("2001:db8:1::/48", 120), ban("203.0.113.9", 598),
                ban("198.51.100.0/24", 3600), ban("2001:db8::1", 60)), DEFAULTS);
        assertEquals("# fleetban: full resync of table inet fleetban, 4 bans, one transaction (nft -f)\n" + SETUP + """
                add rule inet fleetban input ip saddr @banned4 counter drop
                add rule inet fleetban input ip saddr @banned4_nets counter drop
                add rule inet fleetban input ip6 saddr @banned6 counter drop
                add rule inet fleetban input ip6 saddr @banned6_nets counter drop
                flush set inet fleetban banned4
                flush set inet fleetban banned4_nets
                flush set inet fleetban banned6
                flush set inet fleetban banned6_nets
                add element inet fleetban banned4 { 203.0.113.9 timeout 598s }
                add element inet fleetban banned4_nets { 198.51.100.0/24 timeout 3600s }
                add element inet fleetban banned6 { 2001:db8::1 timeout 60s }
                add element inet fleetban banned6_nets { 2001:db8:1::/48 timeout 120s }
                """, script);
    }

    @Test
    void portsLimitTheDropToTcpAndUdpOnThosePorts() {
        String script = NftRuleset.setup(DEFAULTS.withPorts(List.of(5081, 5060, 5061, 5080)));
        assertEquals("# fleetban: create table inet fleetban if missing, keep its bans\n" + SETUP + """
                add rule inet fleetban input meta l4proto { tcp, udp } th dport { 5060, 5061, 5080, 5081 } ip saddr @banned4 counter drop
                add rule inet fleetban input meta l4proto { tcp, udp } th dport { 5060, 5061, 5080, 5081 } ip saddr @banned4_nets counter drop
                add rule inet fleetban input meta l4proto { tcp, udp } th dport { 5060, 5061, 5080, 5081 } ip6 saddr @banned6 counter drop
                add rule inet fleetban input meta l4proto { tcp, udp } th dport { 5060, 5061, 5080, 5081 } ip6 saddr @banned6_nets counter drop
                """, script);
    }

    @Test
    void deltaAddsDeletesAndReaddsSoNothingFailsOnPresentOrExpiredElements() {
        String script = NftRuleset.delta(List.of(ban("203.0.113.9", 598), ban("198.51.100.0/24", 3600)),
                cidrs("198.51.100.4", "2001:db8::1", "192.0.2.0/24"), DEFAULTS);
        assertEquals("""
                # fleetban: 2 bans, 3 unbans for table inet fleetban
                add element inet fleetban banned4 { 198.51.100.4, 203.0.113.9 }
                delete element inet fleetban banned4 { 198.51.100.4, 203.0.113.9 }
                add element inet fleetban banned4 { 203.0.113.9 timeout 598s }
                add element inet fleetban banned4_nets { 192.0.2.0/24, 198.51.100.0/24 }
                delete element inet fleetban banned4_nets { 192.0.2.0/24, 198.51.100.0/24 }
                add element inet fleetban banned4_nets { 198.51.100.0/24 timeout 3600s }
                add element inet fleetban banned6 { 2001:db8::1 }
                delete element inet fleetban banned6 { 2001:db8::1 }
                """, script);
    }

    @Test
    void anEmptyDeltaIsOnlyAComment() {
        assertEquals("# fleetban: 0 bans, 0 unbans for table inet fleetban\n", NftRuleset.delta(List.of(), List.of(), DEFAULTS));
    }

    @Test
    void aFullResyncDropsRangesInsideOtherRangesAndKeepsTheLongestTtlPerTarget() {
        String script = NftRuleset.full(List.of(ban("198.51.100.0/24", 60), ban("198.51.100.0/25", 600),
                ban("198.51.100.128/26", 600), ban("10.0.0.0/8", 60), ban("10.1.0.0/16", 60),
                ban("198.51.100.7", 30), ban("198.51.100.7", 90), ban("192.0.2.0/24", 5)), DEFAULTS);
        assertTrue(script.contains("add element inet fleetban banned4_nets { 10.0.0.0/8 timeout 60s, "
                + "192.0.2.0/24 timeout 5s, 198.51.100.0/24 timeout 60s }\n"), script);
        assertTrue(script.contains("add element inet fleetban banned4 { 198.51.100.7 timeout 90s }\n"), script);
        assertTrue(NftRuleset.full(List.of(ban("192.0.2.1", 365L * 86_400)), DEFAULTS)
                .contains("{ 192.0.2.1 timeout 2147483s }"), "capped like ipset");
        assertTrue(script.startsWith("# fleetban: full resync of table inet fleetban, 4 bans,"), script);
    }

    @Test
    void elementsComeInStatementsOfAThousand() {
        List<Ban> bans = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            bans.add(ban("10." + (i / 256) + "." + (i % 256) + ".1", 60));
        }
        long statements = NftRuleset.full(bans, DEFAULTS).lines().filter(l -> l.startsWith("add element")).count();
        assertEquals(3, statements);
    }

    @Test
    void everyStatementStaysInsideTableInetFleetban() {
        String all = NftRuleset.full(List.of(ban("203.0.113.9", 1), ban("2001:db8::/32", 1)), DEFAULTS.withPorts(List.of(5060)))
                + NftRuleset.delta(List.of(ban("203.0.113.9", 1)), cidrs("2001:db8::/32"), DEFAULTS);
        for (String line : all.split("\n")) {
            assertTrue(line.startsWith("#") || (line + " ").contains(" inet fleetban "), line);
        }
    }

    // --- the kernel's view, inside a throwaway namespace ---

    @Test
    void nftAcceptsFullSetupAndDeltaScripts() {
        try (Netns ns = Netns.create("nftc")) {
            List<Ban> bans = List.of(ban("203.0.113.9", 598), ban("198.51.100.0/24", 3600), ban("198.51.100.0/25", 60),
                    ban("2001:db8::1", 60), ban("2001:db8:1::/48", 120));
            FirewallOptions sip = DEFAULTS.withPorts(List.of(5060, 5061, 5080, 5081));
            ns.execInput(NftRuleset.full(bans, DEFAULTS), "nft", "-c", "-f", "-");
            ns.execInput(NftRuleset.full(bans, sip), "nft", "-c", "-f", "-");
            ns.execInput(NftRuleset.full(List.of(), DEFAULTS), "nft", "-c", "-f", "-");
            ns.execInput(NftRuleset.setup(sip), "nft", "-c", "-f", "-");
            // A delta refers to the table, so nft -c wants it to exist.
            ns.execInput(NftRuleset.setup(DEFAULTS), "nft", "-f", "-");
            ns.execInput(NftRuleset.delta(bans.subList(0, 2), cidrs("192.0.2.1", "2001:db8:2::/48"), DEFAULTS), "nft", "-c", "-f", "-");
            ns.execInput(Rulesets.render(RuleFormat.NFT, false, List.of(), List.of(), DEFAULTS), "nft", "-c", "-f", "-");
        }
    }

    @Test
    void deltasNeverFailOnElementsThatArePresentOrAlreadyGone() {
        try (Netns ns = Netns.create("nftd")) {
            ns.execInput(NftRuleset.full(List.of(ban("203.0.113.9", 600), ban("198.51.100.0/24", 600)), DEFAULTS), "nft", "-f", "-");
            // Unban what is there and what is not; ban again what is there with a longer timeout.
            String delta = NftRuleset.delta(List.of(ban("203.0.113.9", 7200), ban("2001:db8::5", 600)),
                    cidrs("198.51.100.0/24", "192.0.2.0/24", "192.0.2.1"), DEFAULTS);
            ns.execInput(delta, "nft", "-f", "-");
            ns.execInput(delta, "nft", "-f", "-");
            assertEquals(Map.of("203.0.113.9", "2h"), nftElements(ns, "banned4"));
            assertEquals(Map.of(), nftElements(ns, "banned4_nets"));
            assertEquals(Map.of("2001:db8::5", "10m"), nftElements(ns, "banned6"));
        }
    }

    @Test
    void fullResyncReplacesOurSetsAndLeavesTheRestOfTheRulesetAlone() {
        try (Netns ns = Netns.create("nftf")) {
            ns.execInput("""
                    table inet other {
                      set keep { type ipv4_addr; elements = { 192.0.2.1 } }
                      chain input { type filter hook input priority 0; policy accept; ip saddr @keep accept; }
                    }
                    """, "nft", "-f", "-");
            String before = ns.exec("nft", "list", "table", "inet", "other");
            ns.execInput(NftRuleset.full(List.of(ban("203.0.113.9", 600), ban("203.0.113.10", 600)), DEFAULTS), "nft", "-f", "-");
            ns.execInput(NftRuleset.full(List.of(ban("203.0.113.10", 900), ban("198.51.100.0/24", 60),
                    ban("198.51.100.0/25", 60)), DEFAULTS.withPorts(List.of(5060))), "nft", "-f", "-");
            assertEquals(Map.of("203.0.113.10", "15m"), nftElements(ns, "banned4"));
            assertEquals(Map.of("198.51.100.0/24", "1m"), nftElements(ns, "banned4_nets"));
            String chain = ns.exec("nft", "list", "chain", "inet", "fleetban", "input");
            assertEquals(4, chain.lines().filter(l -> l.contains("th dport 5060")).count(), chain);
            assertEquals(before, ns.exec("nft", "list", "table", "inet", "other"));
        }
    }
}

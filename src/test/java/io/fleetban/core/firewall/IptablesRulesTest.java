package io.fleetban.core.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetban.testing.Netns;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {

    private static final FirewallOptions DEFAULTS = FirewallOptions.defaults();

    @Test
    void oneRulePerFamilyWithoutPorts() {
        assertEquals(List.of(List.of("-m", "set", "--match-set", "fleetban6", "src", "-j", "DROP")),
                IptablesRules.rules(true, DEFAULTS));
    }

    @Test
    void restoreInputCarriesIpv4AsIsAndIpv6BehindAMarker() {
        String text = Rulesets.render(RuleFormat.IPTABLES, true, List.of(), List.of(), DEFAULTS.withPorts(List.of(5060, 5061)));
        assertEquals("""
                # fleetban: rules dropping members of the ipset sets fleetban4/fleetban6 (create those first: format=ipset)
                # IPv4: iptables-restore --noflush < FILE
                # IPv6: sed -n 's/^#6 //p' FILE | ip6tables-restore --noflush
                # Each run inserts the rules again: check with iptables -C first, as the agent does.
                *filter
                -I INPUT -p tcp -m multiport --dports 5060,5061 -m set --match-set fleetban4 src -j DROP
                -I INPUT -p udp -m multiport --dports 5060,5061 -m set --match-set fleetban4 src -j DROP
                COMMIT
                #6 *filter
                #6 -I INPUT -p tcp -m multiport --dports 5060,5061 -m set --match-set fleetban6 src -j DROP
                #6 -I INPUT -p udp -m multiport --dports 5060,5061 -m set --match-set fleetban6 src -j DROP
                #6 COMMIT
                """, text);
    }

    @Test
    void moreThanFifteenPortsSplitIntoSeveralMultiportRules() {
        List<Integer> ports = new ArrayList<>();
        for (int p = 5060; p < 5080; p++) {
            ports.add(p);
        }
        List<List<String>> rules = IptablesRules.rules(false, DEFAULTS.withPorts(ports));
        assertEquals(4, rules.size());
        assertEquals("5060,5061,5062,5063,5064,5065,5066,5067,5068,5069,5070,5071,5072,5073,5074", rules.get(0).get(5));
        assertEquals("5075,5076,5077,5078,5079", rules.get(1).get(5));
        assertEquals("udp", rules.get(2).get(1));
    }

    @Test
    void iptablesRestoreAcceptsBothHalves() {
        try (Netns ns = Netns.create("iptr")) {
            ns.assumeWorks("ipset", "list");
            ns.assumeWorks("iptables", "-S");
            ns.execInput(IpsetRuleset.setup(DEFAULTS), "ipset", "restore");
            for (FirewallOptions o : List.of(DEFAULTS, DEFAULTS.withPorts(List.of(5060, 5061, 5080, 5081)))) {
                String text = IptablesRules.restore(o);
                ns.execInput(text, "iptables-restore", "--noflush", "--test");
                String v6 = text.lines().filter(l -> l.startsWith("#6 ")).map(l -> l.substring(3) + "\n")
                        .reduce("", String::concat);
                ns.execInput(v6, "ip6tables-restore", "--noflush", "--test");
            }
        }
    }
}

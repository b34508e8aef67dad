package io.fleetban.core.firewall;

import static io.fleetban.core.firewall.NftRulesetTest.ban;
import static io.fleetban.core.firewall.NftRulesetTest.cidrs;
import static io.fleetban.testing.FirewallState.ipsetMembers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.testing.Netns;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpsetRulesetTest {

    private static final FirewallOptions DEFAULTS = FirewallOptions.defaults();

    @Test
    void fullResyncFillsATemporarySetAndSwapsItIn() {
        String script = IpsetRuleset.full(List.of(ban("2001:db8::1", 60), ban("203.0.113.9", 598),
                ban("198.51.100.0/24", 3600), ban("198.51.100.0/25", 99_999_999)), DEFAULTS);
        assertEquals("""
                # fleetban: full resync of 4 bans (ipset restore): fill a temporary set, swap it in, destroy the old one
                create fleetban4 hash:net family inet timeout 0 maxelem 1048576 -exist
                create fleetban6 hash:net family inet6 timeout 0 maxelem 1048576 -exist
                create fleetban4_tmp hash:net family inet timeout 0 maxelem 1048576 -exist
                flush fleetban4_tmp
                add fleetban4_tmp 203.0.113.9 timeout 598
                add fleetban4_tmp 198.51.100.0/24 timeout 3600
                add fleetban4_tmp 198.51.100.0/25 timeout 2147483
                swap fleetban4_tmp fleetban4
                destroy fleetban4_tmp
                create fleetban6_tmp hash:net family inet6 timeout 0 maxelem 1048576 -exist
                flush fleetban6_tmp
                add fleetban6_tmp 2001:db8::1 timeout 60
                swap fleetban6_tmp fleetban6
                destroy fleetban6_tmp
                """, script);
    }

    @Test
    void deltaUsesExistSoPresentOrMissingMembersNeverFail() {
        assertEquals("""
                # fleetban: 2 bans, 2 unbans (ipset restore)
                del fleetban4 198.51.100.4 -exist
                del fleetban6 2001:db8::/32 -exist
                add fleetban4 203.0.113.9 timeout 598 -exist
                add fleetban6 2001:db8::1 timeout 60 -exist
                """, Rulesets.render(RuleFormat.IPSET, false, List.of(ban("203.0.113.9", 598), ban("2001:db8::1", 60)),
                cidrs("2001:db8::/32", "198.51.100.4"), DEFAULTS));
    }

    @Test
    void ipsetRestoreAcceptsFullAndDeltaAndTheirRepeats() {
        try (Netns ns = Netns.create("ipset")) {
            ns.assumeWorks("ipset", "list");
            ns.execInput(IpsetRuleset.setup(DEFAULTS), "ipset", "restore");
            ns.execInput(IpsetRuleset.setup(DEFAULTS), "ipset", "restore");
            String full = IpsetRuleset.full(List.of(ban("203.0.113.9", 600), ban("198.51.100.0/24", 600),
                    ban("198.51.100.0/25", 600), ban("2001:db8::1", 600)), DEFAULTS);
            ns.execInput(full, "ipset", "restore");
            ns.execInput(full, "ipset", "restore");
            assertEquals(Set.of("203.0.113.9", "198.51.100.0/24", "198.51.100.0/25"), ipsetMembers(ns, "fleetban4").keySet());
            String delta = IpsetRuleset.delta(List.of(ban("203.0.113.9", 7200), ban("192.0.2.7", 60)),
                    cidrs("198.51.100.0/24", "192.0.2.99", "2001:db8::1"), DEFAULTS);
            ns.execInput(delta, "ipset", "restore");
            ns.execInput(delta, "ipset", "restore");
            Map<String, Long> v4 = ipsetMembers(ns, "fleetban4");
            assertEquals(Set.of("203.0.113.9", "198.51.100.0/25", "192.0.2.7"), v4.keySet());
            assertTrue(v4.get("203.0.113.9") > 3600, "re-adding renews the timeout: " + v4);
            assertEquals(Map.of(), ipsetMembers(ns, "fleetban6"));
            String sets = ns.exec("ipset", "list", "-n");
            assertEquals(List.of("fleetban4", "fleetban6"), sets.lines().sorted().toList(), "no temporary set left: " + sets);
        }
    }
}

package io.fleetban.agent.enforce;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.testing.FirewallState;
import io.fleetban.testing.Netns;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NftFirewallTest extends FirewallContractTest {

    @Test
    void aTableOfAnOlderLayoutIsReportedWithTheWayOut() {
        try (Netns ns = Netns.create("nftold")) {
            ns.execInput("add table inet fleetban\nadd set inet fleetban banned4 { type ipv4_addr; }\n", "nft", "-f", "-");
            FirewallException e = assertThrows(FirewallException.class, () -> firewall(ns, DEFAULTS).setup());
            assertTrue(e.getMessage().contains("remove the table with: nft delete table inet fleetban"), e.getMessage());
        }
    }

    @Override
    Firewall firewall(Netns ns, FirewallOptions options) {
        return new NftFirewall(options, ns.prefix());
    }

    @Override
    void assumeTools(Netns ns) {
        ns.assumeWorks("nft", "list", "ruleset");
    }

    @Override
    Set<String> members(Netns ns) {
        Set<String> out = new TreeSet<>();
        for (boolean v6 : new boolean[] {false, true}) {
            out.addAll(FirewallState.nftElements(ns, DEFAULTS.set(v6)).keySet());
            out.addAll(FirewallState.nftElements(ns, DEFAULTS.nets(v6)).keySet());
        }
        return out;
    }

    @Override
    int memberCount(Netns ns) {
        int n = 0;
        for (boolean v6 : new boolean[] {false, true}) {
            n += FirewallState.nftElements(ns, DEFAULTS.set(v6)).size() + FirewallState.nftElements(ns, DEFAULTS.nets(v6)).size();
        }
        return n;
    }

    @Override
    String rules(Netns ns) {
        return ns.exec("nft", "list", "chain", "inet", "fleetban", "input").replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }

    @Override
    void wipe(Netns ns) {
        ns.exec("nft", "delete", "table", "inet", "fleetban");
    }
}

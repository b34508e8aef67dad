package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.firewall.IptablesRules;
import io.fleetban.testing.FirewallState;
import io.fleetban.testing.Netns;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

class IptablesFirewallTest extends FirewallContractTest {

    @Override
    Firewall firewall(Netns ns, FirewallOptions options) {
        return new IptablesFirewall(options, ns.prefix());
    }

    @Override
    void assumeTools(Netns ns) {
        ns.assumeWorks("ipset", "list");
        ns.assumeWorks("iptables", "-w", "-S");
        ns.assumeWorks("ip6tables", "-w", "-S");
    }

    @Override
    Set<String> members(Netns ns) {
        Set<String> out = new TreeSet<>(FirewallState.ipsetMembers(ns, DEFAULTS.ipset4()).keySet());
        out.addAll(FirewallState.ipsetMembers(ns, DEFAULTS.ipset6()).keySet());
        return out;
    }

    @Override
    int memberCount(Netns ns) {
        return FirewallState.ipsetSize(ns, DEFAULTS.ipset4()) + FirewallState.ipsetSize(ns, DEFAULTS.ipset6());
    }

    @Override
    String rules(Netns ns) {
        return ns.exec("iptables", "-w", "-S", "INPUT") + ns.exec("ip6tables", "-w", "-S", "INPUT");
    }

    @Override
    void wipe(Netns ns) {
        for (boolean v6 : new boolean[] {false, true}) {
            for (List<String> rule : IptablesRules.rules(v6, DEFAULTS)) {
                List<String> argv = new ArrayList<>(List.of(v6 ? "ip6tables" : "iptables", "-w", "-D", "INPUT"));
                argv.addAll(rule);
                ns.exec(argv.toArray(String[]::new));
            }
            ns.exec("ipset", "destroy", DEFAULTS.ipset(v6));
        }
    }
}

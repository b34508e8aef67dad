package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.FirewallOptions;

/** How the {@code --ports} choice reads in the log. */
final class Ports {

    private Ports() {
    }

    static String describe(FirewallOptions o) {
        if (o.ports().isEmpty()) {
            return "all ports";
        }
        StringBuilder sb = new StringBuilder("tcp and udp ports ");
        for (int i = 0; i < o.ports().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(o.ports().get(i));
        }
        return sb.toString();
    }
}

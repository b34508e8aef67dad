package io.fleetban.core.firewall;

import java.util.ArrayList;
import java.util.List;

/**
 * The iptables/ip6tables rules that drop members of the ipset sets: one per family, or with ports
 * one per protocol (tcp, udp) and group of at most 15 ports (the multiport match's limit). They
 * go straight into INPUT, no chain of our own, so setup needs no {@code iptables -N} (racy when
 * two agents start at once): each rule is checked with {@code -C} and inserted with {@code -I}
 * only when missing.
 */
public final class IptablesRules {

    private static final int MULTIPORT_MAX = 15;

    private IptablesRules() {
    }

    /** Each rule's arguments after {@code iptables -C INPUT} / {@code -I INPUT}. */
    public static List<List<String>> rules(boolean v6, FirewallOptions o) {
        List<String> match = List.of("-m", "set", "--match-set", o.ipset(v6), "src", "-j", "DROP");
        List<List<String>> out = new ArrayList<>();
        if (o.ports().isEmpty()) {
            out.add(match);
            return out;
        }
        for (String proto : List.of("tcp", "udp")) {
            for (int i = 0; i < o.ports().size(); i += MULTIPORT_MAX) {
                List<String> rule = new ArrayList<>(List.of("-p", proto, "-m", "multiport", "--dports",
                        join(o.ports().subList(i, Math.min(o.ports().size(), i + MULTIPORT_MAX)))));
                rule.addAll(match);
                out.add(List.copyOf(rule));
            }
        }
        return out;
    }

    /**
     * {@code iptables-restore --noflush} input: the IPv4 rules as they are, the IPv6 rules behind
     * {@code #6 } so the same text feeds both tools (iptables-restore skips comments).
     */
    public static String restore(FirewallOptions o) {
        StringBuilder sb = new StringBuilder();
        sb.append("# fleetban: rules dropping members of the ipset sets ").append(o.ipset4()).append('/')
                .append(o.ipset6()).append(" (create those first: format=ipset)\n")
                .append("# IPv4: iptables-restore --noflush < FILE\n")
                .append("# IPv6: sed -n 's/^#6 //p' FILE | ip6tables-restore --noflush\n")
                .append("# Each run inserts the rules again: check with iptables -C first, as the agent does.\n");
        for (boolean v6 : new boolean[] {false, true}) {
            String prefix = v6 ? "#6 " : "";
            sb.append(prefix).append("*filter\n");
            for (List<String> rule : rules(v6, o)) {
                sb.append(prefix).append("-I INPUT ").append(String.join(" ", rule)).append('\n');
            }
            sb.append(prefix).append("COMMIT\n");
        }
        return sb.toString();
    }

    private static String join(List<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int p : ports) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(p);
        }
        return sb.toString();
    }
}

package io.fleetban.core.firewall;

import io.fleetban.core.net.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * {@code nft -f} scripts for table {@code inet fleetban}: hosts in hash sets ({@code banned4},
 * {@code banned6}), ranges in interval sets ({@code banned4_nets}, {@code banned6_nets}) because an
 * interval set can't hold an address and a range around it, every element with its timeout, and
 * one chain at input priority -10 dropping members. Every statement names the table, so nothing
 * else in the ruleset is ever touched.
 */
public final class NftRuleset {

    /** Elements per {@code add element} statement: keeps lines readable and error positions useful. */
    static final int CHUNK = 1000;

    private NftRuleset() {
    }

    /**
     * Creates what is missing and (re)writes the chain's rules, keeping every element: safe to run
     * at any time, also while the controller is unreachable.
     */
    public static String setup(FirewallOptions o) {
        StringBuilder sb = new StringBuilder();
        sb.append("# fleetban: create table inet ").append(o.table()).append(" if missing, keep its bans\n");
        setup(sb, o);
        return sb.toString();
    }

    /** A complete resync in one transaction: setup, flush the sets, add every ban. */
    public static String full(Collection<Ban> bans, FirewallOptions o) {
        BanGroups g = BanGroups.of(bans).withoutCoveredRanges();
        StringBuilder sb = new StringBuilder(64 + g.size() * 32);
        sb.append("# fleetban: full resync of table inet ").append(o.table()).append(", ")
                .append(g.size()).append(" bans, one transaction (nft -f)\n");
        setup(sb, o);
        for (boolean v4 : new boolean[] {true, false}) {
            sb.append("flush set ").append(table(o)).append(' ').append(o.set(!v4)).append('\n');
            sb.append("flush set ").append(table(o)).append(' ').append(o.nets(!v4)).append('\n');
        }
        for (boolean v4 : new boolean[] {true, false}) {
            for (boolean host : new boolean[] {true, false}) {
                elements(sb, "add", o, v4, host, g.list(v4, host), NftRuleset::withTimeout);
            }
        }
        return sb.toString();
    }

    /**
     * Changes only, never failing on an element the kernel already has or has already expired:
     * adding an element that exists is no error and deleting one that does not is, so every touched
     * element is added, deleted, and (for bans) added again with its new timeout — which also
     * refreshes the timeout on kernels whose add leaves an existing element's timeout alone.
     * Unbans are applied before bans.
     */
    public static String delta(Collection<Ban> bans, Collection<Cidr> unbans, FirewallOptions o) {
        BanGroups g = BanGroups.of(bans);
        StringBuilder sb = new StringBuilder();
        sb.append("# fleetban: ").append(g.size()).append(" bans, ").append(new TreeSet<>(unbans).size())
                .append(" unbans for table inet ").append(o.table()).append('\n');
        for (boolean v4 : new boolean[] {true, false}) {
            for (boolean host : new boolean[] {true, false}) {
                List<Ban> added = g.list(v4, host);
                TreeSet<Cidr> touched = new TreeSet<>(BanGroups.sorted(unbans, v4, host));
                added.forEach(b -> touched.add(b.target()));
                List<Cidr> plain = new ArrayList<>(touched);
                elements(sb, "add", o, v4, host, plain, StringBuilder::append);
                elements(sb, "delete", o, v4, host, plain, StringBuilder::append);
                elements(sb, "add", o, v4, host, added, NftRuleset::withTimeout);
            }
        }
        return sb.toString();
    }

    private static void setup(StringBuilder sb, FirewallOptions o) {
        String t = table(o);
        sb.append("add table ").append(t).append('\n');
        for (boolean v4 : new boolean[] {true, false}) {
            String type = v4 ? "ipv4_addr" : "ipv6_addr";
            sb.append("add set ").append(t).append(' ').append(o.set(!v4))
                    .append(" { type ").append(type).append("; flags timeout; }\n");
            sb.append("add set ").append(t).append(' ').append(o.nets(!v4))
                    .append(" { type ").append(type).append("; flags interval, timeout; }\n");
        }
        sb.append("add chain ").append(t).append(" input { type filter hook input priority -10; policy accept; }\n");
        sb.append("flush chain ").append(t).append(" input\n");
        String match = o.ports().isEmpty() ? "" : "meta l4proto { tcp, udp } th dport { " + join(o.ports()) + " } ";
        for (boolean v4 : new boolean[] {true, false}) {
            String saddr = v4 ? "ip saddr @" : "ip6 saddr @";
            sb.append("add rule ").append(t).append(" input ").append(match).append(saddr).append(o.set(!v4)).append(" counter drop\n");
            sb.append("add rule ").append(t).append(" input ").append(match).append(saddr).append(o.nets(!v4)).append(" counter drop\n");
        }
    }

    private static <T> void elements(StringBuilder sb, String verb, FirewallOptions o, boolean v4, boolean host,
                                     List<T> items, BiConsumer<StringBuilder, T> element) {
        String set = host ? o.set(!v4) : o.nets(!v4);
        for (int i = 0; i < items.size(); i += CHUNK) {
            sb.append(verb).append(" element ").append(table(o)).append(' ').append(set).append(" { ");
            int end = Math.min(items.size(), i + CHUNK);
            for (int j = i; j < end; j++) {
                if (j > i) {
                    sb.append(", ");
                }
                element.accept(sb, items.get(j));
            }
            sb.append(" }\n");
        }
    }

    private static void withTimeout(StringBuilder sb, Ban b) {
        sb.append(b.target()).append(" timeout ").append(b.kernelTimeout()).append('s');
    }

    private static String table(FirewallOptions o) {
        return "inet " + o.table();
    }

    private static String join(List<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int p : ports) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(p);
        }
        return sb.toString();
    }
}

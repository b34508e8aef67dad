package io.fleetban.core.firewall;

import io.fleetban.core.net.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code ipset restore} scripts for the sets {@code fleetban4} and {@code fleetban6} (hash:net,
 * so hosts and ranges, nested or not, live side by side), each member with its timeout. A full
 * resync fills a temporary set and swaps it in, so rules referencing the set never see it half
 * filled; a delta uses {@code -exist} so adding a member that exists (which also renews its
 * timeout) or deleting one that has expired never fails.
 */
public final class IpsetRuleset {

    /** Room for the design's 100 000 active bans ten times over. */
    static final int MAXELEM = 1_048_576;

    private IpsetRuleset() {
    }

    /** Creates both sets if missing and keeps their members. */
    public static String setup(FirewallOptions o) {
        StringBuilder sb = new StringBuilder();
        sb.append("# fleetban: create the ipset sets if missing, keep their members (ipset restore)\n");
        create(sb, o.ipset4(), false, o);
        create(sb, o.ipset6(), true, o);
        return sb.toString();
    }

    public static String full(Collection<Ban> bans, FirewallOptions o) {
        BanGroups g = BanGroups.of(bans);
        StringBuilder sb = new StringBuilder(128 + g.size() * 40);
        sb.append("# fleetban: full resync of ").append(g.size())
                .append(" bans (ipset restore): fill a temporary set, swap it in, destroy the old one\n");
        create(sb, o.ipset4(), false, o);
        create(sb, o.ipset6(), true, o);
        for (boolean v4 : new boolean[] {true, false}) {
            String set = o.ipset(!v4);
            String tmp = set + "_tmp";
            create(sb, tmp, !v4, o);
            sb.append("flush ").append(tmp).append('\n');
            for (Ban b : concat(g.list(v4, true), g.list(v4, false))) {
                sb.append("add ").append(tmp).append(' ').append(b.target()).append(" timeout ").append(b.kernelTimeout()).append('\n');
            }
            sb.append("swap ").append(tmp).append(' ').append(set).append('\n');
            sb.append("destroy ").append(tmp).append('\n');
        }
        return sb.toString();
    }

    /** Unbans first, then bans; nothing here fails on a member that is (or is no longer) there. */
    public static String delta(Collection<Ban> bans, Collection<Cidr> unbans, FirewallOptions o) {
        BanGroups g = BanGroups.of(bans);
        StringBuilder sb = new StringBuilder();
        sb.append("# fleetban: ").append(g.size()).append(" bans, ").append(new TreeSet<>(unbans).size())
                .append(" unbans (ipset restore)\n");
        for (boolean v4 : new boolean[] {true, false}) {
            String set = o.ipset(!v4);
            for (boolean host : new boolean[] {true, false}) {
                for (Cidr c : BanGroups.sorted(unbans, v4, host)) {
                    sb.append("del ").append(set).append(' ').append(c).append(" -exist\n");
                }
            }
        }
        for (boolean v4 : new boolean[] {true, false}) {
            String set = o.ipset(!v4);
            for (Ban b : concat(g.list(v4, true), g.list(v4, false))) {
                sb.append("add ").append(set).append(' ').append(b.target()).append(" timeout ").append(b.kernelTimeout())
                        .append(" -exist\n");
            }
        }
        return sb.toString();
    }

    private static void create(StringBuilder sb, String name, boolean v6, FirewallOptions o) {
        // timeout 0: members carry their own timeouts, the set has no default.
        sb.append("create ").append(name).append(" hash:net family ").append(v6 ? "inet6" : "inet")
                .append(" timeout 0 maxelem ").append(MAXELEM).append(" -exist\n");
    }

    private static List<Ban> concat(List<Ban> a, List<Ban> b) {
        List<Ban> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}

package io.fleetban.core.firewall;

import io.fleetban.core.net.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;

/**
 * Bans sorted into the four kinds of set they go to (IPv4/IPv6, host/range), one ban per target
 * (the longest ttl wins) and in address order, so a rendering is the same whatever order the bans
 * came in.
 */
final class BanGroups {

    private static final Comparator<Ban> BY_TARGET = Comparator.comparing(Ban::target);

    final List<Ban> hosts4 = new ArrayList<>();
    final List<Ban> hosts6 = new ArrayList<>();
    final List<Ban> nets4 = new ArrayList<>();
    final List<Ban> nets6 = new ArrayList<>();

    static BanGroups of(Collection<Ban> bans) {
        HashMap<Cidr, Ban> byTarget = new HashMap<>(Math.max(16, bans.size() * 4 / 3 + 1));
        for (Ban b : bans) {
            byTarget.merge(b.target(), b, (x, y) -> x.ttlSeconds() >= y.ttlSeconds() ? x : y);
        }
        BanGroups g = new BanGroups();
        for (Ban b : byTarget.values()) {
            g.list(b.target().isV4(), b.target().isHost()).add(b);
        }
        for (List<Ban> list : List.of(g.hosts4, g.hosts6, g.nets4, g.nets6)) {
            list.sort(BY_TARGET);
        }
        return g;
    }

    List<Ban> list(boolean v4, boolean host) {
        return v4 ? (host ? hosts4 : nets4) : (host ? hosts6 : nets6);
    }

    int size() {
        return hosts4.size() + hosts6.size() + nets4.size() + nets6.size();
    }

    /**
     * Drops ranges inside other ranges: an nftables interval set refuses overlapping intervals.
     * Networks are nested or disjoint, and in address order a range comes right before the ranges
     * it contains, so one sweep keeping the last kept range finds them all.
     */
    BanGroups withoutCoveredRanges() {
        BanGroups g = new BanGroups();
        g.hosts4.addAll(hosts4);
        g.hosts6.addAll(hosts6);
        g.nets4.addAll(outermost(nets4));
        g.nets6.addAll(outermost(nets6));
        return g;
    }

    private static List<Ban> outermost(List<Ban> sorted) {
        List<Ban> out = new ArrayList<>();
        Cidr last = null;
        for (Ban b : sorted) {
            if (last == null || !last.contains(b.target())) {
                out.add(b);
                last = b.target();
            }
        }
        return out;
    }

    /** Unbans sorted the same way, duplicates removed. */
    static List<Cidr> sorted(Collection<Cidr> cidrs, boolean v4, boolean host) {
        List<Cidr> out = new ArrayList<>();
        for (Cidr c : new TreeSet<>(cidrs)) {
            if (c.isV4() == v4 && c.isHost() == host) {
                out.add(c);
            }
        }
        return out;
    }
}

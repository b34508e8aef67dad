package io.fleetban.core.net;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable set of networks answering "is this address covered?" with one hash lookup per
 * distinct prefix length, so an allowlist of thousands of entries costs the same as one of ten.
 */
public final class IpSet {

    private static final IpSet EMPTY = new IpSet(Set.of());

    private final Set<Cidr> entries;
    /** For each prefix length 0..128 (IPv4 at 0..32, IPv6 offset by 33), the masked networks. */
    private final Set<ByteBuffer>[] byPrefix;
    private final int[] prefixes;

    @SuppressWarnings("unchecked")
    private IpSet(Collection<Cidr> cidrs) {
        this.entries = Set.copyOf(cidrs);
        this.byPrefix = new Set[33 + 129];
        TreeSet<Integer> used = new TreeSet<>();
        for (Cidr c : entries) {
            int slot = slot(c.isV4(), c.prefix());
            if (byPrefix[slot] == null) {
                byPrefix[slot] = new HashSet<>();
            }
            byPrefix[slot].add(ByteBuffer.wrap(c.network()));
            used.add(slot);
        }
        this.prefixes = used.stream().mapToInt(Integer::intValue).toArray();
    }

    public static IpSet of(Collection<Cidr> cidrs) {
        return cidrs.isEmpty() ? EMPTY : new IpSet(cidrs);
    }

    public static IpSet empty() {
        return EMPTY;
    }

    public boolean contains(IpAddress ip) {
        byte[] b = ip.bytes();
        for (int slot : prefixes) {
            boolean v4 = slot < 33;
            if (v4 != ip.isV4()) {
                continue;
            }
            int prefix = v4 ? slot : slot - 33;
            if (byPrefix[slot].contains(ByteBuffer.wrap(Cidr.mask(b, prefix)))) {
                return true;
            }
        }
        return false;
    }

    /** True when the set covers any address of {@code net} (a ban on a range touching the allowlist). */
    public boolean overlaps(Cidr net) {
        if (contains(net.address())) {
            return true;
        }
        for (Cidr c : entries) {
            if (net.contains(c)) {
                return true;
            }
        }
        return false;
    }

    public Set<Cidr> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private static int slot(boolean v4, int prefix) {
        return v4 ? prefix : 33 + prefix;
    }
}

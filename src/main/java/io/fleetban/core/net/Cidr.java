package io.fleetban.core.net;

import java.util.Arrays;

/**
 * A network: an address with its host bits cleared and a prefix length. A single address is a
 * network of 32 (IPv4) or 128 (IPv6) bits and prints without a suffix, the way bans are shown.
 */
public final class Cidr implements Comparable<Cidr> {

    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses "A.B.C.D", "A.B.C.D/N", "x::y" or "x::y/N". Host bits set below the prefix are an error
     * ("10.0.0.1/8" is refused rather than silently widened to 10.0.0.0/8) so a typo never bans more
     * than the operator wrote.
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        IpAddress ip = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return of(ip);
        }
        String len = text.substring(slash + 1);
        int prefix;
        try {
            prefix = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: '" + IpAddress.abbreviate(len) + "'");
        }
        boolean mapped = ip.isV4() && text.indexOf(':') >= 0;
        if (mapped) {
            prefix -= 96; // ::ffff:10.0.0.0/104 is 10.0.0.0/8
        }
        if (prefix < 0 || prefix > ip.bits() || len.isEmpty() || len.charAt(0) == '+') {
            throw new IllegalArgumentException("prefix length " + len + " is out of range for " + ip);
        }
        byte[] b = ip.bytes();
        byte[] masked = mask(b, prefix);
        if (!Arrays.equals(b, masked)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set; did you mean "
                    + new Cidr(masked, prefix) + "?");
        }
        return new Cidr(masked, prefix);
    }

    public static Cidr of(IpAddress ip) {
        return new Cidr(ip.bytes(), ip.bits());
    }

    public boolean isV4() {
        return network.length == 4;
    }

    public int prefix() {
        return prefix;
    }

    /** True for a single address (/32 or /128). */
    public boolean isHost() {
        return prefix == network.length * 8;
    }

    public IpAddress address() {
        return IpAddress.of(network);
    }

    public boolean contains(IpAddress ip) {
        if (ip.bits() != network.length * 8) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (ip.byteAt(i) != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (ip.byteAt(full) & m) == (network[full] & 0xff);
    }

    public boolean contains(Cidr other) {
        return other.network.length == network.length && other.prefix >= prefix && contains(other.address());
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    static byte[] mask(byte[] b, int prefix) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & ((0xff << (8 - bitsHere)) & 0xff));
        }
        return out;
    }

    byte[] network() {
        return network;
    }

    @Override
    public String toString() {
        String a = network.length == 4 ? IpAddress.format4(network) : IpAddress.format6(network);
        return isHost() ? a : a + "/" + prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        // Whole 32-bit words: Arrays.hashCode's 31-polynomial over single bytes gives neighbouring
        // addresses equal hashes (a /16 of bans fell into ~8 000 buckets, slowing 100 000-ban maps).
        int h = prefix;
        for (int i = 0; i < network.length; i += 4) {
            h = 31 * h + ((network[i] & 0xff) << 24 | (network[i + 1] & 0xff) << 16
                    | (network[i + 2] & 0xff) << 8 | (network[i + 3] & 0xff));
        }
        return h;
    }

    @Override
    public int compareTo(Cidr o) {
        // The same order as IpAddress (IPv4 first, then unsigned bytes), without copying: renderers sort 100 000 bans.
        int c = Integer.compare(network.length, o.network.length);
        if (c == 0) {
            c = Arrays.compareUnsigned(network, o.network);
        }
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }
}

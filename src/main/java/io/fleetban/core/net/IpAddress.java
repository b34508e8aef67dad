package io.fleetban.core.net;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address parsed from its literal form only: never a DNS lookup, so a host name
 * in a log line or a report can't make us resolve anything. IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d})
 * becomes the IPv4 address, and IPv6 prints in RFC 5952 form (compressed, lower case), so one
 * address always has one spelling in reports, bans and firewall sets.
 */
public final class IpAddress implements Comparable<IpAddress> {

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static IpAddress parse(CharSequence text) {
        IpAddress ip = tryParse(text, 0, text.length());
        if (ip == null) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + abbreviate(text) + "'");
        }
        return ip;
    }

    /** The address in {@code text[from, to)}, or null when that is not exactly one address literal. */
    public static IpAddress tryParse(CharSequence text, int from, int to) {
        if (to - from < 2 || to - from > 45) {
            return null;
        }
        boolean colon = false;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                colon = true;
                break;
            }
        }
        byte[] b = colon ? parse6(text, from, to) : parse4(text, from, to);
        return b == null ? null : of(b);
    }

    public static IpAddress of(byte[] raw) {
        if (raw.length == 16 && isMapped4(raw)) {
            return new IpAddress(Arrays.copyOfRange(raw, 12, 16));
        }
        if (raw.length != 4 && raw.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + raw.length);
        }
        return new IpAddress(raw.clone());
    }

    public boolean isV4() {
        return bytes.length == 4;
    }

    public int bits() {
        return bytes.length * 8;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    byte byteAt(int i) {
        return bytes[i];
    }

    @Override
    public String toString() {
        return isV4() ? format4(bytes) : format6(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Integer.compare(bytes.length, o.bytes.length);
        return c != 0 ? c : Arrays.compareUnsigned(bytes, o.bytes);
    }

    private static boolean isMapped4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] parse4(CharSequence s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            char c = i < to ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zeros read as octal by some tools: refuse the ambiguity
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parse6(CharSequence s, int from, int to) {
        byte[] out = new byte[16];
        int pos = 0;        // next byte to fill
        int gap = -1;       // byte position of "::"
        int i = from;
        if (i + 1 < to && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            gap = 0;
            i += 2;
            if (i == to) {
                return out;
            }
        } else if (s.charAt(i) == ':') {
            return null;
        }
        while (i < to) {
            if (pos >= 16) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0) {
                value = value * 16 + Character.digit(s.charAt(i), 16);
                i++;
            }
            int len = i - start;
            if (i < to && s.charAt(i) == '.') {
                if (pos > 12) {
                    return null;
                }
                byte[] v4 = parse4(s, start, to);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, pos, 4);
                pos += 4;
                i = to;
                break;
            }
            if (len == 0 || len > 4) {
                return null;
            }
            out[pos++] = (byte) (value >>> 8);
            out[pos++] = (byte) value;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = pos;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return null; // trailing single ':'
            }
        }
        if (gap < 0) {
            return pos == 16 ? out : null;
        }
        if (pos == 16) {
            return null; // "::" must stand for at least one group
        }
        int tail = pos - gap;
        System.arraycopy(out, gap, out, 16 - tail, tail);
        Arrays.fill(out, gap, 16 - tail, (byte) 0);
        return out;
    }

    static String format4(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    static String format6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952: "::" only for two or more zero groups
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    static String abbreviate(CharSequence text) {
        return text.length() <= 64 ? text.toString() : text.subSequence(0, 61) + "...";
    }
}

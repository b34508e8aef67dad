package io.fleetban.core.filter;

import io.fleetban.core.net.IpAddress;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level helpers the filters use on raw log lines, so a line that is no failure is rejected
 * by comparing a few bytes, without decoding it into a String.
 */
public final class AsciiBytes {

    /** Bytes that can appear in an IPv4 or IPv6 literal. */
    private static final boolean[] IP_CHAR = new boolean[256];

    static {
        for (char c : "0123456789abcdefABCDEF:.".toCharArray()) {
            IP_CHAR[c] = true;
        }
    }

    private AsciiBytes() {
    }

    public static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code b[at, to)} starts with {@code prefix}. */
    public static boolean startsWith(byte[] b, int at, int to, byte[] prefix) {
        if (at < 0 || to - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b[from, end)} ends exactly with {@code suffix}. */
    public static boolean endsWith(byte[] b, int from, int end, byte[] suffix) {
        return end - from >= suffix.length && startsWith(b, end - suffix.length, end, suffix);
    }

    public static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    public static boolean isIpChar(byte c) {
        return IP_CHAR[c & 0xff];
    }

    /** Index after the run of digits starting at {@code at} (== at when there is none). */
    public static int skipDigits(byte[] b, int at, int to) {
        while (at < to && isDigit(b[at])) {
            at++;
        }
        return at;
    }

    /** Start of the run of IP-literal bytes that ends at {@code end}. */
    public static int ipRunStart(byte[] b, int from, int end) {
        int i = end;
        while (i > from && isIpChar(b[i - 1])) {
            i--;
        }
        return i;
    }

    /** The address literal that is exactly {@code b[from, to)}, or null. */
    public static IpAddress ip(byte[] b, int from, int to) {
        if (to - from < 2 || to - from > 45) {
            return null;
        }
        byte[] v4 = ipv4(b, from, to);
        if (v4 != null) {
            return IpAddress.of(v4);
        }
        return IpAddress.tryParse(new View(b), from, to);
    }

    /**
     * The common case without going through CharSequence: a dotted quad with the same rules as
     * IpAddress (no leading zeros, each part at most 255). Null for anything else, which then goes
     * to IpAddress's full parser and is judged there.
     */
    private static byte[] ipv4(byte[] b, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && isDigit(b[i]) && i - start < 3) {
                value = value * 10 + (b[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && b[start] == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part == 4) {
                return i == to ? out : null;
            }
            if (i >= to || b[i] != '.') {
                return null;
            }
            i++;
        }
    }

    /** ISO-8859-1 view of a byte array: what IpAddress's parser reads, without copying. */
    private record View(byte[] b) implements CharSequence {
        @Override
        public int length() {
            return b.length;
        }

        @Override
        public char charAt(int index) {
            return (char) (b[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }
}

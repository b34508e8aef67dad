package io.fleetban.controller.crowdsec;

import java.time.Duration;

/**
 * Go's {@code time.Duration.String()}: "9m58.2s", "99h59m0s", "1.5s", "0s". The CrowdSec bouncer
 * parses decision durations with {@code time.ParseDuration}, so we write what Go writes.
 */
public final class GoDuration {

    private GoDuration() {
    }

    public static String format(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            nanos = d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            // Below a second Go switches unit: ns, µs, ms.
            if (nanos < 1_000) {
                return sb.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000) {
                return sb.append(fraction(nanos, 1_000)).append("µs").toString();
            }
            return sb.append(fraction(nanos, 1_000_000)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        long rest = nanos % 60_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(fraction(rest, 1_000_000_000L)).append('s').toString();
    }

    /** value/unit in decimal with trailing zeros (and a bare point) removed. */
    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long frac = value % unit;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String digits = Long.toString(unit + frac).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }
}

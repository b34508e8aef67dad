package io.fleetban.core.time;

import java.time.Duration;

/**
 * Durations the way fail2ban users write them: "600" (seconds), "90s", "10m", "1h", "1d", "1w",
 * or combinations like "1h30m". ISO-8601 ("PT1H") is accepted too.
 */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is required, e.g. 600, 10m, 1h or 1d");
        }
        String s = text.trim();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return positive(Duration.parse(s), text);
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid(text);
            }
        }
        long total = 0;
        int i = 0;
        boolean any = false;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 12) {
                throw invalid(text);
            }
            long n = Long.parseLong(s.substring(start, i));
            long unit = 1;
            if (i < s.length()) {
                unit = switch (s.charAt(i)) {
                    case 's' -> 1;
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    case 'd' -> 86_400;
                    case 'w' -> 604_800;
                    default -> throw invalid(text);
                };
                i++;
            } else if (any) {
                throw invalid(text); // "1h30" is ambiguous
            }
            total = Math.addExact(total, Math.multiplyExact(n, unit));
            any = true;
        }
        return positive(Duration.ofSeconds(total), text);
    }

    /** "1h30m", "10m", "45s": the shortest exact spelling, as fail2ban-client shows bantime. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long[] units = {86_400, 3600, 60, 1};
        char[] names = {'d', 'h', 'm', 's'};
        for (int i = 0; i < units.length; i++) {
            if (s >= units[i]) {
                sb.append(s / units[i]).append(names[i]);
                s %= units[i];
            }
        }
        return sb.toString();
    }

    private static Duration positive(Duration d, String text) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("duration '" + text + "' must be positive");
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 600, 10m, 1h, 1d)");
    }
}

package io.fleetban.controller.notify;

import io.fleetban.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The words of a notification, as fail2ban's sendmail-whois action writes them, for mail and chat. */
final class NoticeText {

    /** Bans listed in a digest's text; the rest are counted. */
    static final int DIGEST_LINES = 500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private NoticeText() {
    }

    static String subject(Message m, Duration window) {
        if (m.digest()) {
            return m.total() + " bans within " + Durations.format(window) + " (digest)";
        }
        BanNotice b = m.bans().get(0);
        return b.manual() ? "banned " + b.ip() + " manually (" + by(b) + ")"
                : b.jail() + ": banned " + b.ip() + " after " + b.failures() + " attempts";
    }

    static String body(Message m, Duration window, int threshold) {
        StringBuilder s = new StringBuilder("Hi,\n\n");
        if (m.digest()) {
            digest(s, m, window, threshold);
        } else {
            single(s, m.bans().get(0));
        }
        return s.append("\nRegards,\n\nFleetban\n").toString();
    }

    private static void single(StringBuilder s, BanNotice b) {
        if (b.manual()) {
            s.append("The IP ").append(b.ip()).append(" has just been banned manually by ").append(by(b)).append(".\n\n");
        } else {
            s.append("The IP ").append(b.ip()).append(" has just been banned by Fleetban after ").append(b.failures())
                    .append(" attempts against jail ").append(b.jail()).append(".\n\n");
        }
        s.append(String.format("%-14s%s%n", "Reverse DNS:", b.reverseDns() == null ? "(none)" : b.reverseDns()));
        s.append(String.format("%-14s%s%n", "Jail:", b.jail()));
        s.append(String.format("%-14s%s%n", "Reason:", b.reason()));
        s.append(String.format("%-14s%s, until %s%s%n", "Ban:", Durations.format(Duration.between(b.created(), b.expires())),
                TIME.format(b.expires()), b.banCount() > 1 ? " (ban " + b.banCount() + " of this address lately)" : ""));
        if (!b.nodes().isEmpty()) {
            s.append(String.format("%-14s%s%n", "Seen by:", nodes(b.nodes())));
        }
        if (!b.samples().isEmpty()) {
            s.append("\nLines containing IP ").append(b.ip()).append(":\n");
            b.samples().forEach(line -> s.append("  ").append(line).append('\n'));
        }
    }

    private static void digest(StringBuilder s, Message m, Duration window, int threshold) {
        s.append("Fleetban banned ").append(m.total()).append(" addresses within ").append(Durations.format(window))
                .append(": more than ").append(threshold).append(", so they come in one message.\n\n");
        s.append(String.format("%-40s %-16s %8s  %-24s %s%n", "IP", "JAIL", "FAILURES", "NODES", "UNTIL"));
        List<BanNotice> listed = m.bans().subList(0, Math.min(DIGEST_LINES, m.bans().size()));
        for (BanNotice b : listed) {
            s.append(String.format("%-40s %-16s %8d  %-24s %s%n", b.ip(), b.jail(), b.failures(),
                    b.manual() ? "manual: " + by(b) : String.join(",", b.nodes().keySet()), TIME.format(b.expires())));
        }
        long more = m.total() - listed.size();
        if (more > 0) {
            s.append("… and ").append(more).append(" more (see the console's Bans page).\n");
        }
    }

    /** "fs1 (auth-failure 7), fs2 (unknown-user 5)". */
    static String nodes(Map<String, Map<String, Long>> nodes) {
        return nodes.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().entrySet().stream()
                .map(k -> k.getKey() + " " + k.getValue()).collect(Collectors.joining(", ")) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String by(BanNotice b) {
        return b.createdBy() == null ? "an admin" : b.createdBy();
    }

    static String time(Instant t) {
        return TIME.format(t);
    }
}

package io.fleetban.controller.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One ban as notifications describe it: what fail2ban's sendmail-whois mail says (jail, ip,
 * attempts, the log lines), plus the nodes that saw it and, once looked up, its reverse DNS name.
 */
public record BanNotice(String ip, String jail, String origin, String reason, int failures, int banCount,
                        Instant created, Instant expires, String createdBy, Map<String, Map<String, Long>> nodes,
                        List<String> samples, String reverseDns) {

    public boolean manual() {
        return "manual".equals(origin);
    }

    public BanNotice withReverseDns(String name) {
        return new BanNotice(ip, jail, origin, reason, failures, banCount, created, expires, createdBy, nodes, samples,
                name);
    }
}

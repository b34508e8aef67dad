package io.fleetban.agent.collect;

import io.fleetban.agent.ControllerClient;
import io.fleetban.agent.JsonTree;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Delivers the spooled reports to {@code POST /api/v1/reports}, one at a time and in seq order.
 * A 200 acknowledges a report; no answer, a 5xx, 429, 408, 401 or 403 keeps it (it is sent again
 * with the same seq after a backoff, or after the controller's Retry-After); any other 4xx means
 * the report itself is wrong, which is our bug: it is logged loudly and given up, so one bad
 * report can't stop all the others.
 */
final class Reporter {

    static final String PATH = "/api/v1/reports";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final long MAX_RETRY_AFTER_MILLIS = 600_000;
    private static final long REMIND_EVERY_MILLIS = 60_000;

    private final ControllerClient controller;
    private final String node;
    private final Spool spool;
    private final Runnable delivered;
    private final Consumer<String> log;
    private volatile boolean closed;

    private long backoff = FIRST_BACKOFF_MILLIS;
    private long failingSince;
    private long remindedAt;

    /** @param delivered called after each acknowledgement (the next batch may go) */
    Reporter(ControllerClient controller, String node, Spool spool, Runnable delivered, Consumer<String> log) {
        this.controller = controller;
        this.node = node;
        this.spool = spool;
        this.delivered = delivered;
        this.log = log;
    }

    void run() {
        while (!closed) {
            try {
                Spool.Pending p = spool.next(1000);
                if (p != null && !closed) {
                    deliver(p);
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                log.accept("reporter: " + e + "; trying again");
                pause(1000);
            }
        }
    }

    void close() {
        closed = true;
    }

    private void deliver(Spool.Pending p) throws IOException, InterruptedException {
        byte[] body = ReportJson.report(node, p.seq(), System.currentTimeMillis(), p.eventsJson());
        ControllerClient.Response r;
        try {
            r = controller.post(PATH, body, TIMEOUT);
        } catch (IOException e) {
            if (closed) {
                return;
            }
            retry(p, "controller unreachable (" + e.getMessage() + ")", 0);
            return;
        }
        int s = r.status();
        if (s >= 200 && s < 300) {
            spool.acknowledge(p.seq());
            if (failingSince != 0) {
                log.accept("controller answers again after " + (System.currentTimeMillis() - failingSince) / 1000
                        + " s; " + spool.waiting() + " reports still to deliver");
                failingSince = 0;
            }
            backoff = FIRST_BACKOFF_MILLIS;
            delivered.run();
        } else if (s >= 500 || s == 429 || s == 408 || s == 401 || s == 403) {
            String why = "controller answered HTTP " + s + ": " + JsonTree.errorOf(r);
            if (s == 401 || s == 403) {
                why += " (is the token right, and is it this node's? reports are kept until it is)";
            }
            retry(p, why, retryAfterMillis(r));
        } else {
            log.accept("ERROR: the controller REJECTED report seq " + p.seq() + " (" + p.events() + " events) with HTTP " + s
                    + ": " + JsonTree.errorOf(r) + ". This is a bug in the agent or the controller; the report is dropped so the "
                    + "others can go. Please report it with this line.");
            spool.acknowledge(p.seq());
            delivered.run();
        }
    }

    private void retry(Spool.Pending p, String why, long retryAfter) throws InterruptedException {
        long now = System.currentTimeMillis();
        long wait = retryAfter > 0 ? Math.min(retryAfter, MAX_RETRY_AFTER_MILLIS) : jitter(backoff);
        if (retryAfter <= 0) {
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        if (failingSince == 0) {
            failingSince = now;
            remindedAt = now;
            log.accept(why + ": keeping reports in the spool and retrying (seq " + p.seq() + " first, in " + wait + " ms)");
        } else if (now - remindedAt >= REMIND_EVERY_MILLIS) {
            remindedAt = now;
            log.accept("still no delivery for " + (now - failingSince) / 1000 + " s: " + why + "; " + spool.waiting()
                    + " reports (" + spool.bytes() + " bytes) in the spool");
        }
        pause(wait);
    }

    private void pause(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        long left;
        while (!closed && (left = deadline - System.currentTimeMillis()) > 0) {
            try {
                Thread.sleep(Math.min(left, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long jitter(long millis) {
        return millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
    }

    /** Retry-After as seconds or an HTTP date; 0 if absent or unreadable. */
    static long retryAfterMillis(ControllerClient.Response r) {
        String v = r.headers().firstValue("Retry-After").orElse(null);
        if (v == null || v.isBlank()) {
            return 0;
        }
        v = v.trim();
        try {
            return Math.max(0, Long.parseLong(v) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (DateTimeParseException e2) {
                return 0;
            }
        }
    }
}

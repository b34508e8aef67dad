package io.fleetban.controller.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * Turns bans into messages so a flood can't flood the mailbox: while at most {@code threshold}
 * bans arrived within {@code window}, each ban is its own message; the next one opens a digest
 * that collects every ban until the window after it has passed, then goes out as one message.
 * Used by one thread only.
 */
final class DigestBatcher {

    private final int threshold;
    private final Duration window;
    /** Arrival times of the latest threshold + 1 bans: enough to tell whether more than threshold fell in one window. */
    private final Deque<Instant> recent = new ArrayDeque<>();
    private List<BanNotice> pending;
    private Instant pendingSince;
    private long omitted;

    DigestBatcher(int threshold, Duration window) {
        this.threshold = threshold;
        this.window = window;
    }

    /** A ban arrived: returns it as a message of its own, or null when it joined a digest. */
    Message add(BanNotice ban, Instant now) {
        recent.addLast(now);
        while (recent.size() > threshold + 1) {
            recent.removeFirst();
        }
        boolean flood = recent.size() > threshold && recent.peekFirst().isAfter(now.minus(window));
        if (pending == null && !flood) {
            return new Message(UUID.randomUUID().toString(), now, false, List.of(ban), 0);
        }
        open(now);
        pending.add(ban);
        return null;
    }

    /** Bans that never reached us (the queue was full): they are counted in the digest. */
    void omit(long count, Instant now) {
        open(now);
        omitted += count;
    }

    /** The digest, once its window has passed; null otherwise. */
    Message due(Instant now) {
        if (pending == null || now.isBefore(pendingSince.plus(window))) {
            return null;
        }
        Message digest = new Message(UUID.randomUUID().toString(), now, true, List.copyOf(pending), omitted);
        pending = null;
        pendingSince = null;
        omitted = 0;
        return digest;
    }

    private void open(Instant now) {
        if (pending == null) {
            pending = new ArrayList<>();
            pendingSince = now;
        }
    }
}

package io.fleetban.controller.notify;

import java.time.Instant;
import java.util.List;

/**
 * What one notification carries: a single ban, or a digest of the bans of a flood, with the
 * number of bans left out (the queue overflowed). {@code id} stays the same across retries, so
 * receivers can drop duplicates.
 */
public record Message(String id, Instant at, boolean digest, List<BanNotice> bans, long omitted) {

    public long total() {
        return bans.size() + omitted;
    }
}

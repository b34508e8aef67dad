package io.fleetban.controller.ban;

import java.util.List;

/**
 * Fired by {@link BanLedger} inside the transaction that wrote these bans. Observe it with
 * {@code @Observes(during = TransactionPhase.AFTER_SUCCESS)} to act once per ban, cluster-wide:
 * only the replica that wrote a ban sees it, and only if the ban committed.
 */
public record BansWritten(List<Ban> bans) {

    /** What was asked for (reason, evidence, who) and what was written (id, expiry, ban count). */
    public record Ban(NewBan request, BanLedger.Written written) {
    }
}

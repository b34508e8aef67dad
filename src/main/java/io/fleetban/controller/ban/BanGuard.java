package io.fleetban.controller.ban;

import io.fleetban.controller.allowlist.Allowlist;
import io.fleetban.controller.node.NodeService;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpSet;
import io.fleetban.core.net.LocalAddresses;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The addresses no ban may ever cover, whatever the counts say: the allowlist, this controller's
 * own addresses, and the addresses the fleet's nodes talk to us from. A failure from one of them
 * is still counted; it just never becomes a ban.
 */
@ApplicationScoped
public class BanGuard {

    @Inject
    Allowlist allowlist;
    @Inject
    NodeService nodes;

    private volatile IpSet own = LocalAddresses.enumerate();

    /** Why {@code target} must not be banned, or null when it may be. */
    public String refusal(Cidr target) {
        if (allowlist.overlaps(target)) {
            return target + " is on the allowlist";
        }
        if (own.overlaps(target)) {
            return target + " covers an address of this controller";
        }
        if (nodes.nodeAddresses().overlaps(target)) {
            return target + " covers the address of a Fleetban node";
        }
        return null;
    }

    @Scheduled(every = "60s", delayed = "60s")
    void refreshOwn() {
        own = LocalAddresses.enumerate();
    }
}

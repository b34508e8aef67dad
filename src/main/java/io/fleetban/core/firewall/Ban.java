package io.fleetban.core.firewall;

import io.fleetban.core.net.Cidr;
import java.util.Objects;

/**
 * One ban as the firewall sees it: an address or network and the seconds it has left. Only this
 * typed value ever reaches a renderer, so no text that came over the network ends up in a rule.
 *
 * @param target     the banned address (a host) or network (a range)
 * @param ttlSeconds seconds until the kernel drops the ban by itself; at least 1
 */
public record Ban(Cidr target, long ttlSeconds) {

    /** A century: longer is a typo, and would overflow time arithmetic. */
    public static final long MAX_TTL_SECONDS = 100L * 365 * 86_400;

    /**
     * The longest timeout put into the kernel: ipset's maximum (about 24.8 days; nft refuses
     * much longer ones too). A longer ban is renewed by the agent's periodic resync.
     */
    public static final long MAX_KERNEL_TIMEOUT = 2_147_483;

    public Ban {
        Objects.requireNonNull(target, "target");
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("ban of " + target + ": ttl must be between 1 second and 100 years, not "
                    + ttlSeconds);
        }
        if (target.prefix() == 0) {
            // A /0 would drop every packet of the family: no jail or operator means that.
            throw new IllegalArgumentException("ban of " + target + " would cover every address");
        }
    }

    /** The timeout the kernel gets: the ttl, at most {@link #MAX_KERNEL_TIMEOUT}. */
    public long kernelTimeout() {
        return Math.min(ttlSeconds, MAX_KERNEL_TIMEOUT);
    }

    @Override
    public String toString() {
        return target + " (" + ttlSeconds + "s)";
    }
}

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

    public Ban {
        Objects.requireNonNull(target, "target");
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("ban of " + target + ": ttl must be at least 1 second, not " + ttlSeconds);
        }
        if (target.prefix() == 0) {
            // A /0 would drop every packet of the family: no jail or operator means that.
            throw new IllegalArgumentException("ban of " + target + " would cover every address");
        }
    }

    @Override
    public String toString() {
        return target + " (" + ttlSeconds + "s)";
    }
}

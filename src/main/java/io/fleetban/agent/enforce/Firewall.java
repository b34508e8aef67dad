package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.net.Cidr;
import java.util.Collection;

/**
 * The node's firewall as the agent drives it. Implementations render with
 * {@link io.fleetban.core.firewall.Rulesets core's renderers} from typed bans and run the tools
 * themselves; no text from the network is ever executed. Nothing here ever empties the sets
 * except a full resync with the controller's complete list: bans already in the kernel expire by
 * their own timeouts.
 */
public interface Firewall {

    /** Creates what is missing (table, sets, rules) and keeps every ban already there; idempotent. */
    void setup() throws FirewallException;

    /** Makes the bans exactly {@code bans}, atomically: no moment with the old bans gone and the new ones missing. */
    void full(Collection<Ban> bans) throws FirewallException;

    /** Adds or renews {@code bans}, lifts {@code unbans}; fails when the sets are missing. */
    void delta(Collection<Ban> bans, Collection<Cidr> unbans) throws FirewallException;

    /** What this firewall changes, for the log: "nftables table inet fleetban (all ports)". */
    String describe();
}

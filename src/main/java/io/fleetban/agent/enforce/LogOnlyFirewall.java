package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.net.Cidr;
import java.lang.System.Logger.Level;
import java.util.Collection;

/** {@code --firewall none}: follows the controller and logs what it would do, changes nothing. */
public final class LogOnlyFirewall implements Firewall {

    private static final System.Logger LOG = System.getLogger(LogOnlyFirewall.class.getName());

    @Override
    public void setup() {
        LOG.log(Level.INFO, "firewall none: bans are only logged");
    }

    @Override
    public void full(Collection<Ban> bans) {
        LOG.log(Level.INFO, "firewall none: full resync, {0} bans", bans.size());
    }

    @Override
    public void delta(Collection<Ban> bans, Collection<Cidr> unbans) {
        for (Cidr c : unbans) {
            LOG.log(Level.INFO, "firewall none: unban {0}", c);
        }
        for (Ban b : bans) {
            LOG.log(Level.INFO, "firewall none: ban {0} for {1} s", b.target(), b.ttlSeconds());
        }
    }

    @Override
    public String describe() {
        return "no firewall (log only)";
    }
}

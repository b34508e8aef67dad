package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.firewall.NftRuleset;
import io.fleetban.core.net.Cidr;
import java.util.Collection;
import java.util.List;

/** nftables (the default): every change is one {@code nft -f -} transaction on table {@code inet fleetban}. */
public final class NftFirewall implements Firewall {

    private static final List<String> NFT = List.of("nft", "-f", "-");

    private final FirewallOptions options;
    private final CommandRunner runner;

    /** @param commandPrefix put before {@code nft}, e.g. {@code ip netns exec NS}; empty in production */
    public NftFirewall(FirewallOptions options, List<String> commandPrefix) {
        this.options = options;
        this.runner = new CommandRunner(commandPrefix);
    }

    @Override
    public void setup() throws FirewallException {
        apply(NftRuleset.setup(options));
    }

    @Override
    public void full(Collection<Ban> bans) throws FirewallException {
        apply(NftRuleset.full(bans, options));
    }

    @Override
    public void delta(Collection<Ban> bans, Collection<Cidr> unbans) throws FirewallException {
        apply(NftRuleset.delta(bans, unbans, options));
    }

    private void apply(String script) throws FirewallException {
        try {
            runner.check(script, NFT);
        } catch (FirewallException e) {
            if (e.getMessage().contains("File exists") && e.getMessage().contains("add set")) {
                // "add set" only fails on a set of the same name defined differently (an older layout).
                throw new FirewallException(e.getMessage() + "\n(table inet " + options.table()
                        + " holds a set defined differently; remove the table with: nft delete table inet "
                        + options.table() + ")", e);
            }
            throw e;
        }
    }

    @Override
    public String describe() {
        return "nftables table inet " + options.table() + " (" + Ports.describe(options) + ")";
    }
}

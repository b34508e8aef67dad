package io.fleetban.core.firewall;

import io.fleetban.core.net.Cidr;
import java.util.Collection;

/**
 * Bans rendered as firewall input: what the agent applies and what the controller serves at
 * {@code GET /api/v1/decisions?format=nft|iptables|ipset}. The input is typed (addresses and
 * seconds), so no text from a report or a request can end up in a rule.
 */
public final class Rulesets {

    private Rulesets() {
    }

    /**
     * @param full    a complete resync (everything else in our sets goes) rather than the changes
     * @param bans    bans to add or renew
     * @param unbans  bans to lift; ignored by a full resync
     * @return for {@link RuleFormat#NFT} an {@code nft -f} script, for {@link RuleFormat#IPSET} an
     *         {@code ipset restore} script, for {@link RuleFormat#IPTABLES} the rules referencing the
     *         ipset sets (the same whatever the bans: the bans live in the sets)
     */
    public static String render(RuleFormat format, boolean full, Collection<Ban> bans, Collection<Cidr> unbans,
                                FirewallOptions options) {
        return switch (format) {
            case NFT -> full ? NftRuleset.full(bans, options) : NftRuleset.delta(bans, unbans, options);
            case IPSET -> full ? IpsetRuleset.full(bans, options) : IpsetRuleset.delta(bans, unbans, options);
            case IPTABLES -> IptablesRules.restore(options);
        };
    }
}

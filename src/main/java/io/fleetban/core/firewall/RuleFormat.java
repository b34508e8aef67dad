package io.fleetban.core.firewall;

import java.util.Locale;

/** The firewall languages Fleetban renders bans into ({@code ?format=} of the decisions API). */
public enum RuleFormat {
    /** An {@code nft -f} script for table {@code inet fleetban}. */
    NFT,
    /** {@code iptables-restore --noflush} input: the rules that drop members of the ipset sets. */
    IPTABLES,
    /** An {@code ipset restore} script: the sets and their members. */
    IPSET;

    /** "nft", "iptables" or "ipset". */
    public static RuleFormat parse(String text) {
        if (text != null) {
            switch (text) {
                case "nft":
                    return NFT;
                case "iptables":
                    return IPTABLES;
                case "ipset":
                    return IPSET;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown firewall format '" + text + "' (expected nft, iptables or ipset)");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

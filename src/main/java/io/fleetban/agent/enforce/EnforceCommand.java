package io.fleetban.agent.enforce;

import io.fleetban.agent.ControllerClient;
import io.fleetban.agent.Options;
import io.fleetban.agent.UsageException;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.net.IpSet;
import io.fleetban.core.net.LocalAddresses;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code enforce --controller URL (--token T | --token-file F) [--firewall nft|iptables|none]
 * [--ports 5060,5061,5080,5081] [--allow CIDR,...]}: keeps this node's firewall in step with the
 * controller's bans until stopped. Stopping leaves the bans in place; they expire by their timeouts.
 */
public final class EnforceCommand {

    /** The options of enforce beyond {@link ControllerClient#OPTIONS}; {@code run} accepts them too. */
    public static final Set<String> OPTIONS = Set.of("firewall", "ports", "allow");

    private EnforceCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Set<String> withValue = new HashSet<>(ControllerClient.OPTIONS);
        withValue.addAll(OPTIONS);
        Options o = Options.parse(args, withValue, Set.of());
        if (!o.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional().get(0) + "'");
        }
        DecisionPoller poller = poller(o, ControllerClient.fromOptions(o));
        try {
            poller.setup();
        } catch (FirewallException e) {
            err.println("fleetban-agent enforce: cannot set up the firewall: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(poller::close, "fleetban-enforce-stop"));
        poller.run();
        return 0;
    }

    /** A poller for the parsed enforce options (also what {@code run} starts in a thread). */
    public static DecisionPoller poller(Options o, ControllerClient client) {
        return new DecisionPoller(client, new Enforcer(firewall(o), allowlist(o.get("allow", "")),
                LocalAddresses::enumerate, Clock.systemUTC()));
    }

    static Firewall firewall(Options o) {
        FirewallOptions options;
        try {
            options = FirewallOptions.defaults().withPorts(FirewallOptions.parsePorts(o.get("ports", "")));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--ports: " + e.getMessage());
        }
        String kind = o.get("firewall", "nft");
        return switch (kind) {
            case "nft" -> new NftFirewall(options, List.of());
            case "iptables" -> new IptablesFirewall(options, List.of());
            case "none" -> new LogOnlyFirewall();
            default -> throw new UsageException("--firewall: '" + kind + "' is not nft, iptables or none");
        };
    }

    /** "198.51.100.0/24,203.0.113.9": networks this node never bans. */
    static IpSet allowlist(String text) {
        List<Cidr> out = new ArrayList<>();
        if (!text.isBlank()) {
            for (String part : text.split(",", -1)) {
                try {
                    out.add(Cidr.parse(part.strip()));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--allow: '" + part.strip() + "': " + e.getMessage());
                }
            }
        }
        return IpSet.of(out);
    }
}

package io.fleetban.agent.enforce;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.firewall.FirewallOptions;
import io.fleetban.core.firewall.IpsetRuleset;
import io.fleetban.core.firewall.IptablesRules;
import io.fleetban.core.net.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * iptables + ipset: the bans live in the ipset sets {@code fleetban4}/{@code fleetban6} (changed
 * with {@code ipset restore}, a full resync swapping in a filled temporary set), and one rule per
 * family (per protocol with {@code --ports}) in INPUT drops their members. Rules are checked with
 * {@code -C} and inserted with {@code -I} only when missing; no chain of our own, so no racy
 * {@code -N}. {@code -w} waits for the xtables lock instead of failing when another tool holds it.
 */
public final class IptablesFirewall implements Firewall {

    private static final List<String> IPSET_RESTORE = List.of("ipset", "restore");
    /** iptables -C: 0 = the rule exists, 1 = it does not; anything else is an error. */
    private static final int RULE_MISSING = 1;

    private final FirewallOptions options;
    private final CommandRunner runner;

    /** @param commandPrefix put before {@code ipset}/{@code iptables}, e.g. {@code ip netns exec NS}; empty in production */
    public IptablesFirewall(FirewallOptions options, List<String> commandPrefix) {
        this.options = options;
        this.runner = new CommandRunner(commandPrefix);
    }

    @Override
    public void setup() throws FirewallException {
        runner.check(IpsetRuleset.setup(options), IPSET_RESTORE);
        ensureRules();
    }

    @Override
    public void full(Collection<Ban> bans) throws FirewallException {
        runner.check(IpsetRuleset.full(bans, options), IPSET_RESTORE);
        ensureRules();
    }

    @Override
    public void delta(Collection<Ban> bans, Collection<Cidr> unbans) throws FirewallException {
        runner.check(IpsetRuleset.delta(bans, unbans, options), IPSET_RESTORE);
    }

    private void ensureRules() throws FirewallException {
        for (boolean v6 : new boolean[] {false, true}) {
            String tool = v6 ? "ip6tables" : "iptables";
            for (List<String> rule : IptablesRules.rules(v6, options)) {
                CommandRunner.Result check = runner.run(command(tool, "-C", rule));
                if (check.exit() == RULE_MISSING) {
                    runner.check(command(tool, "-I", rule));
                } else if (check.exit() != 0) {
                    throw new FirewallException(String.join(" ", command(tool, "-C", rule)) + " failed (exit "
                            + check.exit() + "): " + check.output().strip());
                }
            }
        }
    }

    private static List<String> command(String tool, String action, List<String> rule) {
        List<String> argv = new ArrayList<>(List.of(tool, "-w", action, "INPUT"));
        argv.addAll(rule);
        return argv;
    }

    @Override
    public String describe() {
        return "ipset " + options.ipset4() + "/" + options.ipset6() + " with iptables/ip6tables INPUT rules ("
                + Ports.describe(options) + ")";
    }
}

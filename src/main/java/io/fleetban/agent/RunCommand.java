package io.fleetban.agent;

import io.fleetban.agent.collect.CollectCommand;
import io.fleetban.agent.collect.Collector;
import io.fleetban.agent.enforce.DecisionPoller;
import io.fleetban.agent.enforce.EnforceCommand;
import io.fleetban.agent.enforce.FirewallException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code run}: {@code collect} and {@code enforce} in one process, the way a node runs the agent.
 * Takes the options of both. The firewall is set up first, so a node that can't enforce says so
 * at once instead of reporting into the void.
 */
public final class RunCommand {

    private RunCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Set<String> withValue = new HashSet<>(CollectCommand.OPTIONS);
        withValue.addAll(EnforceCommand.OPTIONS);
        Options o = Options.parse(args, withValue, CollectCommand.FLAGS);
        if (!o.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional().get(0) + "'");
        }
        Collector collector = CollectCommand.collector(o, CollectCommand.logTo(err, "collect"));
        DecisionPoller enforcer = EnforceCommand.poller(o, ControllerClient.fromOptions(o));
        try {
            enforcer.start();
        } catch (FirewallException e) {
            err.println("fleetban-agent run: cannot set up the firewall: " + e.getMessage());
            return 1;
        }
        try {
            collector.start();
        } catch (IOException e) {
            err.println("fleetban-agent run: " + e.getMessage());
            enforcer.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            enforcer.close();
        }, "fleetban-shutdown"));
        try {
            collector.await();
        } catch (InterruptedException e) {
            collector.close();
        }
        enforcer.close();
        return 0;
    }
}

package io.fleetban.agent;

import io.fleetban.agent.collect.CollectCommand;
import io.fleetban.agent.ctl.CtlCommand;
import io.fleetban.core.filter.LineFilter;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar fleetban-agent.jar COMMAND ...}: the node side of Fleetban. A plain main with
 * no framework, so the agent starts in milliseconds and lives in a small heap next to FreeSWITCH.
 */
public final class AgentMain {

    private AgentMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "collect" -> CollectCommand.run(rest, out, err, AgentMain::filter);
                case "ctl" -> CtlCommand.run(rest, out, err);
                default -> {
                    err.println("fleetban-agent: unknown command '" + args[0] + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("fleetban-agent " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }

    /** --filter; becomes LineFilters::resolve once the filters are on this branch. */
    private static LineFilter filter(String spec) {
        throw new IllegalArgumentException("no filters in this build yet");
    }

    static final String USAGE = """
            usage: java -jar fleetban-agent.jar COMMAND [OPTIONS]

            commands:
              regex FILE [--filter freeswitch|asterisk|PATH.conf] [--json]
                                  test a filter on a log, like fail2ban-regex
              collect --controller URL (--token T | --token-file F) --log FILE [--node NAME]
                      [--filter freeswitch|asterisk|PATH.conf] [--state DIR] [--from-start] [--spool-max 64m]
                                  follow a log and report failures to the controller
              enforce             keep the firewall in step with the controller's bans
              run                 collect and enforce on this node
              ctl --controller URL (--token T | --token-file F) status [JAIL] | ban IP [--for 1h] [--reason TEXT]
                      | unban IP | allow CIDR [--note TEXT] | nodes
                                  talk to the controller, like fail2ban-client
            """;
}

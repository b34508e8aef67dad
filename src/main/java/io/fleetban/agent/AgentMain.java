package io.fleetban.agent;

import io.fleetban.agent.enforce.EnforceCommand;
import io.fleetban.agent.regex.RegexCommand;
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
                case "enforce" -> EnforceCommand.run(rest, out, err);
                case "regex" -> RegexCommand.run(rest, System.in, out, err);
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

    static final String USAGE = """
            usage: java -jar fleetban-agent.jar COMMAND [OPTIONS]

            commands:
              regex FILE [--filter freeswitch|asterisk|PATH.conf] [--json]
                                  test a filter on a log, like fail2ban-regex
              collect             follow a log and report failures to the controller
              enforce             keep the firewall in step with the controller's bans
              run                 collect and enforce on this node
              ctl                 talk to the controller, like fail2ban-client
            """;
}

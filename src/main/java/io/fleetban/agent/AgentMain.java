package io.fleetban.agent;

import io.fleetban.agent.collect.CollectCommand;
import io.fleetban.agent.ctl.CtlCommand;
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
        // One line per record, UTC, like the collect side's log: "2026-11-25T10:00:00.123Z enforce: …".
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        // A worker thread that dies (an OutOfMemoryError while rendering a huge resync, a bug) would
        // leave an agent that still reports but no longer enforces: end the process instead, so
        // systemd or Kubernetes starts it again. The spool and state survive that like a kill -9.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            System.err.println("fleetban-agent: thread " + t.getName() + " died (" + e + "); exiting so the agent is restarted");
            Runtime.getRuntime().halt(70);
        });
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
                case "collect" -> CollectCommand.run(rest, out, err);
                case "run" -> RunCommand.run(rest, out, err);
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

    static final String USAGE = """
            usage: java -jar fleetban-agent.jar COMMAND [OPTIONS]

            commands:
              regex FILE [--filter freeswitch|asterisk|PATH.conf] [--json]
                                  test a filter on a log, like fail2ban-regex
              collect --controller URL (--token T | --token-file F) --log FILE [--node NAME]
                      [--filter freeswitch|asterisk|PATH.conf] [--state DIR] [--from-start] [--spool-max 64m]
                                  follow a log and report failures to the controller
              enforce --controller URL (--token T | --token-file F) [--firewall nft|iptables|none]
                      [--ports 5060,5061,5080,5081] [--allow CIDR,...]
                                  keep the firewall in step with the controller's bans
              run     the options of collect and enforce together
                                  collect and enforce on this node
              ctl --controller URL (--token T | --token-file F) status [JAIL] | ban IP [--for 1h] [--reason TEXT]
                      | unban IP | allow CIDR [--note TEXT] | nodes
                                  talk to the controller, like fail2ban-client
            """;
}

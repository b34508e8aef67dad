package io.fleetban.testing;

import io.fleetban.agent.enforce.CommandRunner;
import io.fleetban.agent.enforce.FirewallException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway network namespace ({@code ip netns add fbt-...}) for firewall tests, so they never
 * touch the host's ruleset. Deleted on {@link #close()} together with the processes started in it.
 * Where namespaces are not permitted (no root, a locked-down container) the calling test is skipped
 * with the reason.
 */
public final class Netns implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final CommandRunner HOST = new CommandRunner(List.of());
    private static String unusable;
    private static boolean probed;

    private final String name;
    private final CommandRunner runner;
    private final List<Process> started = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
        this.runner = new CommandRunner(prefix(name));
    }

    /** A fresh namespace with its loopback up; skips the test when namespaces are not permitted. */
    public static Netns create(String tag) {
        assumeUsable();
        String name = "fbt-" + tag + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        try {
            HOST.check(List.of("ip", "netns", "add", name));
        } catch (FirewallException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Netns ns = new Netns(name);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    /** Skips the calling test unless {@code ip netns} and nft inside a namespace work here. */
    public static synchronized void assumeUsable() {
        if (!probed) {
            probed = true;
            String probe = "fbt-probe-" + ProcessHandle.current().pid();
            try {
                CommandRunner.Result add = HOST.run(List.of("ip", "netns", "add", probe));
                if (add.exit() != 0) {
                    unusable = "ip netns add is not permitted here: " + add.output().strip();
                } else {
                    CommandRunner.Result nft = new CommandRunner(prefix(probe)).run(List.of("nft", "list", "ruleset"));
                    if (nft.exit() != 0) {
                        unusable = "nft does not work inside a network namespace here: " + nft.output().strip();
                    }
                    HOST.run(List.of("ip", "netns", "del", probe));
                }
            } catch (FirewallException e) {
                unusable = "cannot run ip netns: " + e.getMessage();
            }
        }
        Assumptions.assumeTrue(unusable == null, () -> "skipped: " + unusable);
    }

    /** Skips the calling test unless {@code command} works inside this namespace. */
    public void assumeWorks(String... command) {
        CommandRunner.Result r;
        try {
            r = runner.run(List.of(command));
        } catch (FirewallException e) {
            r = new CommandRunner.Result(-1, e.getMessage());
        }
        int exit = r.exit();
        String output = r.output().strip();
        Assumptions.assumeTrue(exit == 0, () -> "skipped: '" + String.join(" ", command)
                + "' does not work in a network namespace here: " + output);
    }

    public String name() {
        return name;
    }

    /** {@code ip netns exec NAME}: what the firewall classes put before their commands. */
    public List<String> prefix() {
        return prefix(name);
    }

    public CommandRunner runner() {
        return runner;
    }

    /** Runs a command in the namespace and returns its output; fails the test if it fails. */
    public String exec(String... command) {
        return execInput(null, command);
    }

    public String execInput(String stdin, String... command) {
        try {
            return runner.check(stdin, List.of(command));
        } catch (FirewallException e) {
            throw new AssertionError("in namespace " + name + ": " + e.getMessage(), e);
        }
    }

    public CommandRunner.Result run(String stdin, String... command) {
        try {
            return runner.run(stdin, List.of(command));
        } catch (FirewallException e) {
            throw new AssertionError("in namespace " + name + ": " + e.getMessage(), e);
        }
    }

    /** Starts a long-running command in the namespace; it is killed on {@link #close()}. */
    public Process start(String... command) {
        List<String> argv = new ArrayList<>(prefix());
        argv.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new AssertionError("cannot start " + argv + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            HOST.check(List.of("ip", "netns", "del", name));
        } catch (FirewallException e) {
            throw new IllegalStateException("could not delete namespace " + name + ": " + e.getMessage(), e);
        }
    }

    private static List<String> prefix(String name) {
        return List.of("ip", "netns", "exec", name);
    }
}

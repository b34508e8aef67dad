package io.fleetban.agent.enforce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs firewall tools (nft, ipset, iptables) as argument lists, never through a shell, with the
 * script on stdin. A prefix such as {@code ip netns exec NS} runs them inside a network
 * namespace, which is how the tests touch a throwaway ruleset instead of the host's.
 */
public final class CommandRunner {

    private static final long TIMEOUT_SECONDS = 120;

    private final List<String> prefix;

    /** @param prefix put before every command; empty in production */
    public CommandRunner(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** The exit status and everything the command wrote (stdout and stderr together). */
    public record Result(int exit, String output) {
    }

    /** Runs the command and returns how it ended; fails only when it could not run at all. */
    public Result run(String stdin, List<String> command) throws FirewallException {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(command);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new FirewallException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Read while writing: a tool that reports errors as it reads would otherwise fill the pipe and stall.
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "fleetban-" + command.get(0) + "-output");
        reader.setDaemon(true);
        reader.start();
        // Encoded as it is written: a 100k-ban script is megabytes, and the agent's heap is small.
        try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (int i = 0; stdin != null && i < stdin.length(); i += 8192) {
                in.write(stdin, i, Math.min(8192, stdin.length() - i)); // a whole-string write copies it first
            }
        } catch (IOException e) {
            // The tool stopped reading (it failed early); its exit status and output say why.
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new FirewallException(String.join(" ", argv) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            // The output can trail the exit by a whole pipe buffer; returning before EOF would cut a listing short.
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            if (reader.isAlive()) {
                throw new FirewallException(String.join(" ", argv) + " exited but its output stayed open for " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FirewallException(String.join(" ", argv) + " interrupted", e);
        }
        synchronized (out) {
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        }
    }

    public Result run(List<String> command) throws FirewallException {
        return run(null, command);
    }

    /** Runs the command and fails unless it exits with 0. */
    public String check(String stdin, List<String> command) throws FirewallException {
        Result r = run(stdin, command);
        if (r.exit() != 0) {
            throw new FirewallException(String.join(" ", command) + " failed (exit " + r.exit() + "): " + abbreviate(r.output()));
        }
        return r.output();
    }

    public String check(List<String> command) throws FirewallException {
        return check(null, command);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The process is gone; what was read is all there is.
        }
    }

    private static String abbreviate(String output) {
        String s = output.strip();
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
    }
}

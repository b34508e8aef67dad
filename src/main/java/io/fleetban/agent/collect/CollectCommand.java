package io.fleetban.agent.collect;

import io.fleetban.agent.ControllerClient;
import io.fleetban.agent.Options;
import io.fleetban.agent.UsageException;
import io.fleetban.core.filter.LineFilter;
import io.fleetban.core.filter.LineFilters;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code collect --controller URL (--token T | --token-file F) --log FILE [--node NAME]
 * [--filter freeswitch|asterisk|PATH.conf] [--state DIR] [--from-start] [--spool-max 64m]}.
 */
public final class CollectCommand {

    /** The options of collect that take a value; {@code run} accepts them too. */
    public static final Set<String> OPTIONS;
    public static final Set<String> FLAGS = Set.of("from-start");

    static {
        Set<String> s = new HashSet<>(ControllerClient.OPTIONS);
        s.addAll(Set.of("log", "node", "filter", "state", "spool-max"));
        OPTIONS = Set.copyOf(s);
    }

    static final String DEFAULT_STATE = "/var/lib/fleetban-agent";
    static final long DEFAULT_SPOOL_MAX = 64L * 1024 * 1024;
    static final long MIN_SPOOL_MAX = 16 * 1024;
    /** The controller's rule for node names. */
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private CollectCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = Options.parse(args, OPTIONS, FLAGS);
        if (!o.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional().get(0) + "'");
        }
        Consumer<String> log = logTo(err, "collect");
        Collector c = collector(o, log);
        try {
            c.start();
        } catch (IOException e) {
            err.println("fleetban-agent collect: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(c::close, "fleetban-shutdown"));
        try {
            c.await();
        } catch (InterruptedException e) {
            c.close();
        }
        return 0;
    }

    /** The collector {@code o} describes (for {@code collect} and {@code run}); not started yet. */
    public static Collector collector(Options o, Consumer<String> log) {
        ControllerClient controller = ControllerClient.fromOptions(o);
        Path logFile = Path.of(o.require("log"));
        if (Files.isDirectory(logFile)) {
            throw new UsageException("--log: " + logFile + " is a directory, not a log file");
        }
        String node = o.get("node");
        if (node == null) {
            node = hostname();
        }
        if (!NODE.matcher(node).matches()) {
            throw new UsageException("--node: '" + node + "' is not a node name (letters, digits, '.', '_', '-', "
                    + "at most 63, starting with a letter or digit)");
        }
        String spec = o.get("filter", LineFilters.DEFAULT);
        LineFilter filter;
        try {
            filter = LineFilters.resolve(spec);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--filter " + spec + ": " + e.getMessage());
        }
        Path state = Path.of(o.get("state", DEFAULT_STATE));
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UsageException("--state: cannot create " + state + " (" + e + ")");
        }
        if (!Files.isWritable(state)) {
            throw new UsageException("--state: " + state + " is not writable");
        }
        long spoolMax = o.get("spool-max") == null ? DEFAULT_SPOOL_MAX : size("spool-max", o.get("spool-max"));
        if (spoolMax < MIN_SPOOL_MAX) {
            throw new UsageException("--spool-max: at least " + MIN_SPOOL_MAX / 1024 + "k");
        }
        return new Collector(new Collector.Config(controller, node, logFile, filter, state, o.flag("from-start"),
                spoolMax), log);
    }

    /** "64m", "512k", "1g" (powers of 1024) or plain bytes. */
    static long size(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1024;
                case 'm' -> unit = 1024 * 1024;
                case 'g' -> unit = 1024 * 1024 * 1024;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--" + option + ": '" + text + "' is not a size (e.g. 64m, 512k, 1g)");
        }
    }

    /** The kernel's host name (no DNS lookup), as {@code hostname} prints it. */
    static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException e) {
            // not Linux: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new UsageException("--node: no host name to use (" + e.getMessage() + "); give --node NAME");
        }
    }

    /** Log lines on stderr with a UTC time and the part of the agent that speaks. */
    public static Consumer<String> logTo(PrintStream err, String who) {
        return m -> err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + who + ": " + m);
    }
}

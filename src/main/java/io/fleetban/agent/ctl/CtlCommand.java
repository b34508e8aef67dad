package io.fleetban.agent.ctl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fleetban.agent.ControllerClient;
import io.fleetban.agent.JsonTree;
import io.fleetban.agent.Options;
import io.fleetban.agent.UsageException;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.time.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code ctl --controller URL (--token T | --token-file F) status [JAIL] | ban IP [--for 1h]
 * [--reason TEXT] | unban IP | allow CIDR [--note TEXT] | nodes}: the controller's admin API,
 * printed the way fail2ban-client prints. Exit 0 on success, 1 when the controller refuses or
 * can't be reached, 2 for a command line that is wrong.
 */
public final class CtlCommand {

    private static final Set<String> OPTIONS;

    static {
        Set<String> s = new HashSet<>(ControllerClient.OPTIONS);
        s.addAll(Set.of("for", "reason", "note"));
        OPTIONS = Set.copyOf(s);
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z][A-Za-z0-9-]{0,62}\\.?");

    /** Where the controller's status lists manual bans, shown by {@code status manual}. */
    static final String MANUAL = "manual";

    static final String USAGE = "ctl --controller URL (--token T | --token-file F) status [JAIL] | ban IP [--for 1h] "
            + "[--reason TEXT] | unban IP | allow CIDR [--note TEXT] | nodes";

    private final ControllerClient controller;
    private final PrintStream out;
    private final PrintStream err;

    private CtlCommand(ControllerClient controller, PrintStream out, PrintStream err) {
        this.controller = controller;
        this.out = out;
        this.err = err;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = Options.parse(args, OPTIONS, Set.of());
        List<String> words = o.positional();
        if (words.isEmpty()) {
            throw new UsageException("what to do? " + USAGE);
        }
        String action = words.get(0);
        List<String> rest = words.subList(1, words.size());
        Request request = switch (action) {
            case "status" -> {
                only(o, action);
                atMost(rest, 1, "status [JAIL]");
                yield c -> c.status(rest.isEmpty() ? null : rest.get(0));
            }
            case "ban" -> {
                only(o, action, "for", "reason");
                String ip = address(exactlyOne(rest, "ban IP"));
                String duration = o.get("for") == null ? null : duration(o.get("for"));
                yield c -> c.ban(ip, duration, o.get("reason"));
            }
            case "unban" -> {
                only(o, action);
                String ip = address(exactlyOne(rest, "unban IP"));
                yield c -> c.unban(ip);
            }
            case "allow" -> {
                only(o, action, "note");
                String value = allowValue(exactlyOne(rest, "allow CIDR"));
                yield c -> c.allow(value, o.get("note"));
            }
            case "nodes" -> {
                only(o, action);
                atMost(rest, 0, "nodes");
                yield CtlCommand::nodes;
            }
            default -> throw new UsageException("unknown action '" + action + "': " + USAGE);
        };
        CtlCommand c = new CtlCommand(ControllerClient.fromOptions(o), out, err);
        try {
            return request.send(c);
        } catch (IOException e) {
            err.println("fleetban-agent ctl: cannot reach the controller at " + c.controller.base() + ": " + e.getMessage());
            return 1;
        }
    }

    @FunctionalInterface
    private interface Request {
        int send(CtlCommand c) throws IOException;
    }

    // --- actions -------------------------------------------------------------------------------

    private int status(String jail) throws IOException {
        ControllerClient.Response r = controller.get("/api/v1/status", TIMEOUT);
        if (!r.ok()) {
            return refused(r);
        }
        Map<String, Object> status = object(JsonTree.parse(r.body()), "status");
        if (jail == null) {
            out.print(formatStatus(status));
            return 0;
        }
        Map<String, Object> jails = new java.util.LinkedHashMap<>(object(status.get("jails"), "status.jails"));
        if (status.get("manual") instanceof Map<?, ?>) {
            jails.put(MANUAL, status.get("manual")); // manual bans are listed as a jail of their own
        }
        if (!(jails.get(jail) instanceof Map<?, ?>)) {
            err.println("fleetban-agent ctl: there is no jail '" + jail + "' (jails: " + String.join(", ", jails.keySet()) + ")");
            return 1;
        }
        out.print(formatJail(jail, object(jails.get(jail), "status.jails." + jail)));
        return 0;
    }

    private int ban(String ip, String duration, String reason) throws IOException {
        ControllerClient.Response r = controller.post("/api/v1/bans", json("ip", ip, "duration", duration, "reason", reason),
                TIMEOUT);
        if (!r.ok()) {
            return refused(r);
        }
        Object expires = null;
        try {
            if (JsonTree.parse(r.body()) instanceof Map<?, ?> m) {
                expires = m.get("expires");
            }
        } catch (IOException e) {
            // the ban stands; only the expiry is unknown
        }
        out.println(ip + " banned" + (expires != null ? " until " + expires : duration != null ? " for " + duration : ""));
        return 0;
    }

    private int unban(String ip) throws IOException {
        ControllerClient.Response r = controller.delete("/api/v1/bans/" + URLEncoder.encode(ip, StandardCharsets.UTF_8),
                TIMEOUT);
        if (!r.ok()) {
            return refused(r);
        }
        out.println(ip + " unbanned");
        return 0;
    }

    private int allow(String value, String note) throws IOException {
        ControllerClient.Response r = controller.post("/api/v1/allowlist", json("value", value, "note", note), TIMEOUT);
        if (!r.ok()) {
            return refused(r);
        }
        out.println(value + " added to the allowlist");
        return 0;
    }

    private int nodes() throws IOException {
        ControllerClient.Response r = controller.get("/api/v1/nodes", TIMEOUT);
        if (!r.ok()) {
            return refused(r);
        }
        out.print(formatNodes(object(JsonTree.parse(r.body()), "nodes")));
        return 0;
    }

    private int refused(ControllerClient.Response r) {
        err.println("fleetban-agent ctl: " + JsonTree.errorOf(r) + " (HTTP " + r.status() + ")");
        return 1;
    }

    // --- output, as fail2ban-client prints -----------------------------------------------------

    static String formatStatus(Map<String, Object> status) {
        List<String> names = strings(status.get("jail_list"));
        String out = "Status\n"
                + "|- Number of jail:\t" + number(status.get("number_of_jail")) + "\n"
                + "`- Jail list:\t" + String.join(", ", names) + "\n";
        if (status.get("manual") instanceof Map<?, ?> manual && !strings(manual.get("banned_ips")).isEmpty()) {
            out += "Manual bans: " + String.join(" ", strings(manual.get("banned_ips"))) + "\n";
        }
        if (status.get("breaker") instanceof Map<?, ?> breaker && Boolean.TRUE.equals(breaker.get("tripped"))) {
            out += "BAN-STORM BREAKER TRIPPED since " + text(breaker.get("tripped_at")) + ": " + text(breaker.get("reason"))
                    + "; " + number(breaker.get("held")) + " automatic bans held until an admin confirms"
                    + " (POST /api/v1/breaker/confirm)\n";
        }
        return out;
    }

    static String formatJail(String name, Map<String, Object> jail) {
        return "Status for the jail: " + name + "\n"
                + "|- Filter\n"
                + "|  |- Currently failed:\t" + number(jail.get("currently_failed")) + "\n"
                + "|  `- Total failed:\t" + number(jail.get("total_failed")) + "\n"
                + "`- Actions\n"
                + "   |- Currently banned:\t" + number(jail.get("currently_banned")) + "\n"
                + "   |- Total banned:\t" + number(jail.get("total_banned")) + "\n"
                + "   `- Banned IP list:\t" + String.join(" ", strings(jail.get("banned_ips"))) + "\n";
    }

    static String formatNodes(Map<String, Object> answer) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "LAST REPORT", "LAST POLL", "CURSOR", "LAG"});
        if (answer.get("nodes") instanceof List<?> nodes) {
            for (Object n : nodes) {
                if (n instanceof Map<?, ?> m) {
                    rows.add(new String[] {text(m.get("name")), orNever(m.get("last_report")), orNever(m.get("last_poll")),
                            orDash(m.get("cursor")), orDash(m.get("cursor_lag"))});
                }
            }
        }
        int[] width = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                sb.append(i < row.length - 1 ? String.format("%-" + (width[i] + 2) + "s", row[i]) : row[i]);
            }
            sb.append('\n');
        }
        if (rows.size() == 1) {
            sb.append("(no nodes yet: POST /api/v1/nodes {\"name\":\"fs1\"} registers one)\n");
        }
        return sb.toString();
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String orNever(Object o) {
        return o == null ? "never" : o.toString();
    }

    private static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }

    private static String number(Object o) {
        return o == null ? "0" : o.toString();
    }

    private static List<String> strings(Object o) {
        List<String> l = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object x : list) {
                l.add(String.valueOf(x));
            }
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what) throws IOException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException("the controller's answer has no object " + what);
    }

    // --- arguments -----------------------------------------------------------------------------

    /** An IP or CIDR, checked here so a typo never reaches the controller, in its one spelling. */
    private static String address(String text) {
        try {
            return Cidr.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + text + "' is not an IP address or CIDR: " + e.getMessage());
        }
    }

    /** The allowlist also takes DNS names (fail2ban's ignoreip does). */
    private static String allowValue(String text) {
        if (text.indexOf(':') < 0 && !text.isEmpty() && Character.isLetter(text.charAt(text.length() - 1))
                && DNS_NAME.matcher(text).matches()) {
            return text;
        }
        return address(text);
    }

    private static String duration(String text) {
        try {
            return Durations.format(Durations.parse(text));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--for: " + e.getMessage());
        }
    }

    private static String exactlyOne(List<String> rest, String usage) {
        if (rest.size() != 1) {
            throw new UsageException("usage: " + usage);
        }
        return rest.get(0);
    }

    private static void atMost(List<String> rest, int n, String usage) {
        if (rest.size() > n) {
            throw new UsageException("usage: " + usage);
        }
    }

    /** The options only some actions take are refused by the others, not silently ignored. */
    private static void only(Options o, String action, String... allowed) {
        for (String name : List.of("for", "reason", "note")) {
            if (o.get(name) != null && !List.of(allowed).contains(name)) {
                throw new UsageException("--" + name + " does not go with " + action);
            }
        }
    }

    /** A JSON object of the given name/value pairs; null values are left out. */
    private static byte[] json(String... pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < pairs.length; i += 2) {
                if (pairs[i + 1] != null) {
                    g.writeStringField(pairs[i], pairs[i + 1]);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

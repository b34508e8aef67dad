package io.fleetban.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} options, {@code --flag} switches and positional
 * words. Unknown options are an error naming the option, so a typo never silently does nothing.
 */
public final class Options {

    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Options() {
    }

    /**
     * @param withValue options that take a value ({@code --log FILE})
     * @param flags     options that stand alone ({@code --json})
     */
    public static Options parse(String[] args, Set<String> withValue, Set<String> flags) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && inline == null) {
                    o.values.put(name, "true");
                } else if (withValue.contains(name)) {
                    String v = inline != null ? inline : (i + 1 < args.length ? args[++i] : null);
                    if (v == null) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    o.values.put(name, v);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    public String get(String name) {
        return values.get(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("option --" + name + " is required");
        }
        return v;
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public int getInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + ": '" + v + "' is not a number");
        }
    }

    public List<String> positional() {
        return positional;
    }
}

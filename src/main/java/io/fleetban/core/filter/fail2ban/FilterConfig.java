package io.fleetban.core.filter.fail2ban;

import io.fleetban.core.filter.fail2ban.ConfigParser.Parsed;
import io.fleetban.core.filter.fail2ban.ConfigParser.Value;
import io.fleetban.core.filter.fail2ban.FilterFileException.Origin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A filter file merged with what it includes, as fail2ban's SafeConfigParserWithIncludes builds
 * it: {@code [INCLUDES] before/after} (relative to the including file), each file followed by its
 * {@code .local} when there is one, later files overriding earlier ones option by option, and the
 * overridden values kept in a {@code KNOWN/section} for {@code %(known/option)s}. Values are read
 * with configparser's {@code %(name)s} interpolation plus fail2ban's {@code %(section/option)s}.
 */
final class FilterConfig {

    private static final Pattern INTERPOLATION = Pattern.compile("%\\(([^)]+)\\)s");
    private static final Pattern SECTION_OPTION = Pattern.compile("([\\w\\-]+)/([^\\s>]+)");
    private static final int MAX_DEPTH = 10;

    private final Path file;
    private final Map<String, Value> defaults = new LinkedHashMap<>();
    private final Map<String, Map<String, Value>> sections = new LinkedHashMap<>();

    private FilterConfig(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /**
     * Reads {@code file} the way fail2ban reads {@code filter.d/NAME.conf}: NAME.conf, NAME.d/*.conf,
     * NAME.local, NAME.d/*.local, each with its includes.
     */
    static FilterConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        FilterConfig c = new FilterConfig(file);
        String name = file.getFileName().toString();
        String base = name.replaceFirst("\\.(conf|local)$", "");
        Path dir = file.toAbsolutePath().getParent();
        List<Path> top = new ArrayList<>();
        top.add(file);
        top.addAll(listed(dir.resolve(base + ".d"), ".conf"));
        top.add(dir.resolve(base + ".local"));
        top.addAll(listed(dir.resolve(base + ".d"), ".local"));
        List<Path> order = new ArrayList<>();
        for (Path p : top) {
            if (Files.isRegularFile(p) && !order.contains(p)) {
                includes(p, new ArrayList<>(), order);
            }
        }
        for (Path p : order) {
            c.merge(ConfigParser.parse(p));
        }
        return c;
    }

    private static List<Path> listed(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Appends, in reading order, what {@code file} includes before itself, itself and its .local, then what it includes after. */
    private static void includes(Path file, List<Path> seen, List<Path> order) throws IOException {
        List<Path> withLocal = new ArrayList<>(List.of(file));
        Path local = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.conf$", "") + ".local");
        if (file.getFileName().toString().endsWith(".conf") && Files.isRegularFile(local)) {
            withLocal.add(local);
        }
        for (Path f : withLocal) {
            Parsed p = ConfigParser.parse(f);
            Map<String, Value> inc = p.sections().getOrDefault("INCLUDES", Map.of());
            List<Path> nextSeen = new ArrayList<>(seen);
            nextSeen.add(f);
            for (String when : List.of("before", "after")) {
                if (when.equals("after")) {
                    if (!order.contains(f)) {
                        order.add(f);
                    }
                }
                Value v = inc.get(when);
                if (v == null) {
                    continue;
                }
                for (String name : v.text().split("\n")) {
                    if (name.isBlank()) {
                        continue;
                    }
                    Path r = f.toAbsolutePath().getParent().resolve(name.strip()).normalize();
                    if (seen.contains(r) || r.equals(f)) {
                        continue;
                    }
                    if (!Files.isRegularFile(r)) {
                        // fail2ban skips a missing include (common.local usually is one), and so do we
                        continue;
                    }
                    includes(r, nextSeen, order);
                }
            }
        }
    }

    private void merge(Parsed p) {
        defaults.putAll(p.defaults());
        for (Map.Entry<String, Map<String, Value>> e : p.sections().entrySet()) {
            String name = e.getKey();
            if (name.contains("?")) {
                Value any = e.getValue().values().stream().findFirst().orElse(null);
                throw new FilterFileException(p.file(), any == null ? 0 : any.origin().line(),
                        "unsupported construct: conditional section [" + name + "]");
            }
            Map<String, Value> existing = sections.get(name);
            if (existing == null) {
                sections.put(name, new LinkedHashMap<>(e.getValue()));
            } else {
                Map<String, Value> known = sections.computeIfAbsent("KNOWN/" + name, k -> new LinkedHashMap<>());
                for (String k : e.getValue().keySet()) {
                    if (existing.containsKey(k)) {
                        known.put(k, existing.get(k));
                    }
                }
                existing.putAll(e.getValue());
            }
        }
    }

    boolean hasSection(String section) {
        return sections.containsKey(section);
    }

    /** The section's own option names (without DEFAULT's). */
    List<String> ownOptions(String section) {
        return new ArrayList<>(sections.getOrDefault(section, Map.of()).keySet());
    }

    /** Where an option of a section (or DEFAULT) was written; the filter file itself when unknown. */
    Origin origin(String section, String option) {
        Value v = sections.getOrDefault(section, Map.of()).get(option);
        if (v == null) {
            v = defaults.get(option);
        }
        return v == null ? new Origin(file, 0) : v.origin();
    }

    /**
     * configparser's {@code get(section, option, vars=vars)}: the interpolated value, or null when
     * the section or option does not exist. Lookup order: vars, the section, DEFAULT.
     */
    String get(String section, String option, Map<String, String> vars) {
        if (!section.equals(ConfigParser.DEFAULT) && !sections.containsKey(section)) {
            return null;
        }
        Map<String, String> map = lookup(section, vars);
        String raw = map.get(option.toLowerCase(Locale.ROOT));
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        interpolate(section, option, raw, map, out, 1);
        return out.toString();
    }

    /**
     * fail2ban's {@code get_ex}: like {@link #get} but {@code section/option} names another
     * section's option ({@code known/option}: the value this one overrode; {@code default/option}).
     */
    String getEx(String section, String option, Map<String, String> vars) {
        Matcher m = option.contains("/") ? SECTION_OPTION.matcher(option) : null;
        if (m != null && m.matches()) {
            String sec = m.group(1);
            String opt = m.group(2);
            String lower = sec.toLowerCase(Locale.ROOT);
            List<String> tries = lower.equals("known") ? List.of("KNOWN/" + section, section)
                    : List.of(lower.equals("default") ? ConfigParser.DEFAULT : sec);
            for (String s : tries) {
                String v = get(s, opt, Map.of());
                if (v != null) {
                    return v;
                }
            }
        }
        return get(section, option, vars);
    }

    private Map<String, String> lookup(String section, Map<String, String> vars) {
        Map<String, String> map = new HashMap<>();
        defaults.forEach((k, v) -> map.put(k, v.text()));
        sections.getOrDefault(section, Map.of()).forEach((k, v) -> map.put(k, v.text()));
        vars.forEach((k, v) -> map.put(k.toLowerCase(Locale.ROOT), v));
        map.putIfAbsent("__name__", section);
        return map;
    }

    private void interpolate(String section, String option, String rest, Map<String, String> map, StringBuilder out,
            int depth) {
        if (depth > MAX_DEPTH) {
            throw new FilterFileException(origin(section, option),
                    "option '" + option + "' in [" + section + "]: interpolation deeper than " + MAX_DEPTH + " levels");
        }
        while (!rest.isEmpty()) {
            int p = rest.indexOf('%');
            if (p < 0) {
                out.append(rest);
                return;
            }
            out.append(rest, 0, p);
            rest = rest.substring(p);
            char c = rest.length() > 1 ? rest.charAt(1) : 0;
            if (c == '%') {
                out.append('%');
                rest = rest.substring(2);
            } else if (c == '(') {
                Matcher m = INTERPOLATION.matcher(rest);
                if (!m.lookingAt()) {
                    throw new FilterFileException(origin(section, option), "option '" + option + "' in [" + section
                            + "]: bad interpolation '" + abbreviate(rest) + "'");
                }
                String name = m.group(1);
                String v = map.get(name.toLowerCase(Locale.ROOT));
                if (v == null && name.contains("/")) {
                    v = sectionOption(section, name);
                }
                if (v == null) {
                    throw new FilterFileException(origin(section, option), "option '" + option + "' in [" + section
                            + "]: %(" + name + ")s refers to no option");
                }
                rest = rest.substring(m.end());
                if (v.contains("%")) {
                    interpolate(section, option, v, map, out, depth + 1);
                } else {
                    out.append(v);
                }
            } else {
                throw new FilterFileException(origin(section, option), "option '" + option + "' in [" + section
                        + "]: '%' must be followed by '%' or '(' (write %% for a percent sign): '" + abbreviate(rest) + "'");
            }
        }
    }

    /** The raw value behind {@code %(section/option)s}, or null. */
    private String sectionOption(String section, String ref) {
        int slash = ref.indexOf('/');
        String sec = ref.substring(0, slash);
        String opt = ref.substring(slash + 1).toLowerCase(Locale.ROOT);
        String lower = sec.toLowerCase(Locale.ROOT);
        Value v = null;
        if (lower.equals("known")) {
            v = sections.getOrDefault("KNOWN/" + section, Map.of()).get(opt);
        } else if (!lower.equals("default")) {
            Map<String, Value> s = sections.get(sec);
            if (s == null) {
                return null;
            }
            v = s.get(opt);
        }
        if (v == null) {
            v = defaults.get(opt);
        }
        return v == null ? null : v.text();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}

package io.fleetban.core.filter.fail2ban;

import io.fleetban.core.filter.AsciiBytes;
import io.fleetban.core.filter.LineFilter;
import io.fleetban.core.filter.NeedleSet;
import io.fleetban.core.filter.fail2ban.FilterFileException.Origin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a fail2ban {@code filter.d/*.conf} file into a {@link LineFilter}, reading it the way
 * {@code fail2ban-regex PATH.conf} does (FilterReader): includes and .local files, {@code [Init]},
 * filter options ({@code freeswitch.conf[mode=ddos]}), {@code %(name)s} interpolation, recursive
 * {@code <tag>} substitution ({@code failregex = <mdre-<mode>>}), then prefregex, failregex (one per
 * line), ignoreregex and datepattern translated to Java.
 *
 * <p>Not supported, and refused with the file, line and construct named: {@code maxlines} above 1,
 * {@code <SKIPLINES>}, conditional
 * sections, and regular-expression constructs Java has no equivalent for (see {@link PythonRegex}).
 */
public final class Fail2banFilterLoader {

    /** The [Definition] options FilterReader reads. */
    private static final List<String> OPTIONS =
            List.of("usedns", "prefregex", "ignoreregex", "failregex", "maxlines", "datepattern", "journalmatch");
    private static final Pattern SPEC = Pattern.compile("(?s)(.*?)(?:\\[(.*)\\])?");
    private static final Pattern OPTION = Pattern.compile(
            "\\s*([\\w\\-.]+)=(?:\"([^\"]*)\"|'([^']*)'|([^,\\]]*))\\s*(?:,|$)");
    private static final Pattern CONDITIONAL = Pattern.compile("^(\\w+)(\\?.+)$");
    private static final Set<String> FAILURE_ID_GROUPS = Set.of("ip4", "ip6", "dns", "fid", "mlfid");

    private Fail2banFilterLoader() {
    }

    /** {@code PATH.conf} or {@code PATH.conf[name=value, ...]}. */
    public static LineFilter load(String spec) throws IOException {
        Matcher m = SPEC.matcher(spec.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a filter: '" + spec + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (m.group(2) != null) {
            Matcher o = OPTION.matcher(m.group(2));
            int at = 0;
            while (at < m.group(2).length()) {
                if (!o.find(at) || o.start() != at) {
                    throw new IllegalArgumentException("filter options of '" + spec
                            + "': expected name=value[, name=value...], found '" + m.group(2).substring(at) + "'");
                }
                String v = o.group(2) != null ? o.group(2) : o.group(3) != null ? o.group(3) : o.group(4).strip();
                options.put(o.group(1), v);
                at = o.end();
            }
        }
        return load(Path.of(m.group(1)), options);
    }

    /**
     * @param options filter options, as in {@code jail.local}'s {@code filter = NAME[mode=ddos]}
     * @throws FilterFileException naming the file and line when the filter can't be run
     */
    public static LineFilter load(Path file, Map<String, String> options) throws IOException {
        FilterConfig cfg = FilterConfig.read(file);
        if (!cfg.hasSection("Definition")) {
            throw new FilterFileException(file, 0, "no [Definition] section: not a fail2ban filter");
        }
        Map<String, String> init = new LinkedHashMap<>(options);
        if (!init.containsKey("logtype") && !cfg.ownOptions("Definition").contains("logtype")) {
            init.put("logtype", "file"); // FilterReader.applyAutoOptions for a file backend
        }
        Map<String, String> vars = new LinkedHashMap<>(init);
        Map<String, String> combined = new LinkedHashMap<>();
        for (String name : OPTIONS) {
            if (!vars.containsKey(name)) {
                String v = cfg.get("Definition", name, vars);
                if (v != null) {
                    combined.put(name, v);
                }
            }
        }
        if (cfg.hasSection("Init")) {
            for (String opt : cfg.ownOptions("Init")) {
                String v = cfg.get("Init", opt, Map.of());
                if (!opt.startsWith("known/")) {
                    init.put("known/" + opt, v);
                }
                init.putIfAbsent(opt, v);
            }
        }
        combined.putAll(init);
        Set<String> ignore = new HashSet<>();
        for (String n : combined.keySet()) {
            Matcher c = CONDITIONAL.matcher(n);
            if (c.matches()) {
                ignore.add(c.group(1));
            }
        }
        Map<String, String> resolved;
        try {
            resolved = Tags.substitute(combined, ignore, tag -> cfg.getEx("Definition", tag, vars));
        } catch (IllegalArgumentException e) {
            throw new FilterFileException(file, 0, e.getMessage());
        }
        return build(cfg, file, resolved, options);
    }

    private static LineFilter build(FilterConfig cfg, Path file, Map<String, String> o, Map<String, String> options) {
        String maxlines = o.get("maxlines");
        if (maxlines != null && !maxlines.isBlank() && !maxlines.strip().equals("1")) {
            throw new FilterFileException(cfg.origin("Definition", "maxlines"),
                    "unsupported construct maxlines = " + maxlines.strip() + " (multi-line filters)");
        }
        Fail2banFilter.Regex prefregex = null;
        String pref = o.get("prefregex");
        if (pref != null && !pref.isBlank()) {
            prefregex = compile(cfg, "prefregex", 1, pref);
        }
        List<Fail2banFilter.Regex> fail = compileLines(cfg, "failregex", o.get("failregex"));
        if (fail.isEmpty()) {
            throw new FilterFileException(cfg.origin("Definition", "failregex"), "no failregex");
        }
        boolean prefHasId = prefregex != null && hasFailureId(prefregex);
        for (int i = 0; i < fail.size(); i++) {
            if (!prefHasId && !hasFailureId(fail.get(i))) {
                throw new FilterFileException(cfg.origin("Definition", "failregex"), "failregex line " + (i + 1)
                        + " has no failure-id group (<HOST>, <ADDR>, <IP4>, <IP6>, <F-ID>): " + fail.get(i).source());
            }
        }
        List<Fail2banFilter.Regex> ignore = compileLines(cfg, "ignoreregex", o.get("ignoreregex"));
        DateDetector dates;
        try {
            dates = DateDetector.of(o.get("datepattern"));
        } catch (IllegalArgumentException e) {
            throw new FilterFileException(cfg.origin("Definition", "datepattern"), e.getMessage());
        }
        String name = file.toString() + (options.isEmpty() ? "" : options.toString().replace('{', '[').replace('}', ']'));
        return new Fail2banFilter(name, needles(fail, prefregex == null), dates, prefregex, fail, ignore);
    }

    private static List<Fail2banFilter.Regex> compileLines(FilterConfig cfg, String option, String value) {
        List<Fail2banFilter.Regex> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        String[] lines = value.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                out.add(compile(cfg, option, i + 1, lines[i]));
            }
        }
        return out;
    }

    private static Fail2banFilter.Regex compile(FilterConfig cfg, String option, int line, String python) {
        Origin origin = cfg.origin("Definition", option);
        try {
            String tagged = Tags.resolveHostTags(python);
            if (tagged.isBlank()) {
                throw new IllegalArgumentException("empty regular expression");
            }
            return new Fail2banFilter.Regex(PythonRegex.translate(tagged, 0), python);
        } catch (IllegalArgumentException e) {
            throw new FilterFileException(origin, option + (line > 1 || option.equals("failregex") ? " line " + line : "")
                    + ": " + e.getMessage());
        }
    }

    private static boolean hasFailureId(Fail2banFilter.Regex r) {
        return FAILURE_ID_GROUPS.stream().anyMatch(g -> r.compiled().group(g) != null);
    }

    /** The prefilter: one required literal per failregex, or none at all if one of them has none. */
    private static NeedleSet needles(List<Fail2banFilter.Regex> fail, boolean withoutPrefregex) {
        List<byte[]> needles = new ArrayList<>();
        for (Fail2banFilter.Regex r : fail) {
            if ((r.compiled().pattern().flags() & Pattern.CASE_INSENSITIVE) != 0) {
                return null;
            }
            String literal = RequiredLiteral.of(r.compiled().pattern().pattern(), withoutPrefregex);
            if (literal.length() < 3) {
                return null;
            }
            needles.add(AsciiBytes.bytes(literal));
        }
        return new NeedleSet(needles);
    }
}

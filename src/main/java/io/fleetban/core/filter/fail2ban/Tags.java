package io.fleetban.core.filter.fail2ban;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fail2ban's two tag passes over a filter's options.
 *
 * <p>{@link #substitute}: {@code substituteRecursiveTags} — each {@code <name>} in a value is
 * replaced by the option of that name (from the combined options, else looked up in
 * {@code [Definition]}, where {@code <section/option>} reaches other sections), repeatedly, so
 * {@code <mdre-<mode>>} becomes {@code <mdre-extra>} and then that option's value. Unknown tags
 * ({@code <HOST>}) stay for the second pass.
 *
 * <p>{@link #resolveHostTags}: {@code Regex._resolveHostTag} — {@code <HOST>}, {@code <ADDR>},
 * {@code <IP4>}, {@code <IP6>}, {@code <CIDR>}, {@code <SUBNET>}, {@code <DNS>}, {@code <F-ID/>},
 * {@code <F-PORT/>} become fail2ban's own expressions, and {@code <F-NAME>..</F-NAME>} a group
 * named {@code name} ({@code <F-MLFID>}, {@code <F-NOFAIL>} too: see Fail2banFilter). Fleetban never resolves host names, so {@code <HOST>} means what fail2ban's
 * {@code usedns = no} makes it mean: an IPv4 or IPv6 address, never a DNS name.
 */
final class Tags {

    private static final Pattern TAG = Pattern.compile("<([^ <>]+)>");
    private static final Pattern FTAG = Pattern.compile("</?[\\w\\-]+/?>");
    private static final Pattern FCUSTNAME = Pattern.compile("(/?)F-([A-Z0-9_\\-]+)");
    private static final Pattern GLOBAL_TO_LOCAL_FLAGS = Pattern.compile("(?<!\\\\)\\((?:\\?:)?(\\(\\?[a-z]+)\\)");
    private static final int MAX_REPLACE = 25;

    static final String IP4 = "(?:::f{4,6}:)?(?P<ip4>(?:\\d{1,3}\\.){3}\\d{1,3})";
    static final String IP6 = "(?P<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):))";
    static final String DNS = "(?P<dns>[\\w\\-.^_]*\\w)";
    static final String ADDR = "\\[?(?:" + IP4 + "|" + IP6 + ")\\]?";
    static final String CIDR = "(?P<cidr>\\d+)";
    static final String SUBNET = "\\[?(?:" + IP4 + "|" + IP6 + ")(?:/" + CIDR + ")?\\]?";

    private static final Map<String, String> HOST_TAGS = Map.ofEntries(
            Map.entry("HOST", ADDR),
            Map.entry("IP4", IP4), Map.entry("F-IP4/", IP4),
            Map.entry("IP6", IP6), Map.entry("F-IP6/", IP6),
            Map.entry("ADDR", ADDR), Map.entry("F-ADDR/", ADDR),
            Map.entry("CIDR", CIDR), Map.entry("F-CIDR/", CIDR),
            Map.entry("SUBNET", SUBNET), Map.entry("F-SUBNET/", SUBNET),
            Map.entry("DNS", DNS), Map.entry("F-DNS/", DNS),
            Map.entry("F-ID/", "(?P<fid>\\S+)"),
            Map.entry("F-PORT/", "(?P<fport>\\w+)"));

    private static final Map<String, String> GROUP_ALIAS = Map.of("id", "fid", "port", "fport");

    private Tags() {
    }

    /**
     * @param options  the combined options (changed values are written back into a copy)
     * @param ignore   option names left untouched
     * @param fallback looks up a tag that is not among the options (null when there is none)
     * @throws IllegalArgumentException on a self-referencing definition
     */
    static Map<String, String> substitute(Map<String, String> options, Set<String> ignore,
            Function<String, String> fallback) {
        Map<String, String> tags = new LinkedHashMap<>(options);
        Set<String> done = new HashSet<>();
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        boolean repeat = true;
        while (repeat) {
            repeat = false;
            for (String tag : tags.keySet().toArray(new String[0])) {
                if (ignore.contains(tag) || done.contains(tag)) {
                    continue;
                }
                String original = tags.get(tag);
                String value = original;
                Map<String, Integer> replaced = counts.getOrDefault(tag, new HashMap<>());
                Matcher m = TAG.matcher(value);
                int from = 0;
                while (m.find(from)) {
                    String ref = m.group(1);
                    if (ignore.contains(ref)) {
                        from = m.end();
                        continue;
                    }
                    if (ref.equals(tag) || replaced.getOrDefault(ref, 1) > MAX_REPLACE) {
                        throw new IllegalArgumentException("option '" + tag + "' refers to itself through <" + ref
                                + "> and cannot be resolved");
                    }
                    String repl = tags.get(ref);
                    if (repl == null) {
                        repl = fallback.apply(ref);
                    }
                    if (repl == null) {
                        from = m.end();
                        continue;
                    }
                    int start = m.start();
                    value = value.replace("<" + ref + ">", repl);
                    replaced.merge(ref, 1, Integer::sum);
                    m = TAG.matcher(value);
                    from = start;
                }
                if (!original.equals(value)) {
                    if (TAG.matcher(value).find()) {
                        counts.put(tag, replaced);
                        repeat = true;
                    }
                    tags.put(tag, value);
                }
                if (value.indexOf('<') < 0) {
                    done.add(tag);
                }
            }
        }
        return tags;
    }

    /** A failregex/prefregex/ignoreregex with fail2ban's tags replaced (still Python syntax). */
    static String resolveHostTags(String regex) {
        Set<String> open = new HashSet<>();
        Matcher m = FTAG.matcher(regex);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String tag = m.group();
            String name = tag.substring(1, tag.length() - 1);
            String repl;
            if (name.equals("SKIPLINES")) {
                throw new IllegalArgumentException("unsupported construct <SKIPLINES> (multi-line failregex)");
            } else if (HOST_TAGS.containsKey(name)) {
                repl = HOST_TAGS.get(name);
            } else {
                Matcher c = FCUSTNAME.matcher(name);
                if (!c.matches()) {
                    repl = tag;
                } else if (!c.group(1).isEmpty()) {
                    repl = open.contains(c.group(2)) ? ")" : tag;
                } else {
                    String group = c.group(2);
                    open.add(group);
                    String lower = group.toLowerCase(java.util.Locale.ROOT);
                    repl = "(?P<" + GROUP_ALIAS.getOrDefault(lower, lower) + ">";
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(repl));
        }
        m.appendTail(out);
        return GLOBAL_TO_LOCAL_FLAGS.matcher(out).replaceAll("$1:");
    }
}

package io.fleetban.core.filter.fail2ban;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the date in a line so it can be cut out before the failregex runs, as fail2ban does
 * (its filters are written for the line without its date: asterisk's {@code __prefix_line} expects
 * the "[]" that is left of "[2012-02-13 17:21:54]"). Templates are built as fail2ban's
 * DateTemplate/DatePatternRegex/DateEpoch build them: {@code datepattern} lines with strptime
 * fields ({@code %Y}, {@code %ExY}, ...), {@code {^LN-BEG}} (fail2ban's default templates anchored at
 * the line start), {@code {DATE}}, {@code {UNB}}, {@code {NONE}}, {@code EPOCH}, {@code LEPOCH},
 * {@code {EPOCH}}, {@code TAI64N}; without a datepattern the default templates search the line.
 *
 * <p>Two simplifications, both only matter for lines with several date-like strings: fail2ban's
 * detector is stateful (it reorders templates by hits across lines), ours takes the first template
 * anchored at the line start, else the match nearest to the line start; and {@code %ExY} accepts
 * any year 2000-2099 rather than fail2ban's window around the current year.
 */
final class DateDetector {

    /** Python's strptime fields as fail2ban extends them (fail2ban/server/strptime.py). */
    private static final Map<String, String> TIME_RE = Map.ofEntries(
            Map.entry("%", "%"),
            Map.entry("A", "(?P<A>wednesday|thursday|saturday|tuesday|monday|friday|sunday)"),
            Map.entry("B", "(?P<B>september|february|november|december|january|october|august|march|april|june|july|may)"),
            Map.entry("ExH", "(?P<H>[0-1]\\d|2[0-3])"),
            Map.entry("ExM", "(?P<M>[0-5]\\d)"),
            Map.entry("ExS", "(?P<S>[0-5]\\d|6[0-1])"),
            Map.entry("ExY", "(?P<Y>20\\d\\d)"),
            Map.entry("ExZ", "(?P<Z>[A-Z](?:[A-Z]{2,4})?)"),
            Map.entry("Exd", "(?P<d>[1-2]\\d|0[1-9]|3[0-1])"),
            Map.entry("Exk", " ?(?P<H>[0-1]?\\d|2[0-3])"),
            Map.entry("Exl", " ?(?P<I>1[0-2]|\\d)"),
            Map.entry("Exm", "(?P<m>0[1-9]|1[0-2])"),
            Map.entry("Exy", "(?P<y>\\d{2})"),
            Map.entry("Exz", "(?P<z>(?:[A-Z](?:[A-Z]{2,4})?)?[+-][01]\\d(?::?\\d{2})?|[A-Z](?:[A-Z]{2,4})?)"),
            Map.entry("G", "(?P<G>\\d\\d\\d\\d)"),
            Map.entry("H", "(?P<H>[0-1]?\\d|2[0-3])"),
            Map.entry("I", "(?P<I>1[0-2]|0[1-9]|[1-9])"),
            Map.entry("M", "(?P<M>[0-5]?\\d)"),
            Map.entry("S", "(?P<S>[0-5]?\\d|6[0-1])"),
            Map.entry("U", "(?P<U>5[0-3]|[0-4]\\d|\\d)"),
            Map.entry("V", "(?P<V>5[0-3]|0[1-9]|[1-4]\\d|\\d)"),
            Map.entry("W", "(?P<W>5[0-3]|[0-4]\\d|\\d)"),
            Map.entry("X", "(?P<H>2[0-3]|[0-1]\\d|\\d):(?P<M>[0-5]\\d|\\d):(?P<S>6[0-1]|[0-5]\\d|\\d)"),
            Map.entry("Y", "(?P<Y>\\d{4})"),
            Map.entry("Z", "(?P<Z>Z|[A-Z]{3,5})"),
            Map.entry("a", "(?P<a>mon|tue|wed|thu|fri|sat|sun)"),
            Map.entry("b", "(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"),
            Map.entry("c", "(?P<a>mon|tue|wed|thu|fri|sat|sun)\\s+(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                    + "\\s+(?P<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])\\s+(?P<H>2[0-3]|[0-1]\\d|\\d):(?P<M>[0-5]\\d|\\d)"
                    + ":(?P<S>6[0-1]|[0-5]\\d|\\d)\\s+(?P<Y>\\d\\d\\d\\d)"),
            Map.entry("d", "(?P<d>[1-2]\\d|[0 ]?[1-9]|3[0-1])"),
            Map.entry("f", "(?P<f>[0-9]{1,6})"),
            Map.entry("j", "(?P<j>36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])"),
            Map.entry("k", " ?(?P<H>[0-2]?\\d)"),
            Map.entry("l", " ?(?P<I>1?\\d)"),
            Map.entry("m", "(?P<m>0?[1-9]|1[0-2])"),
            Map.entry("p", "(?P<p>am|pm)"),
            Map.entry("u", "(?P<u>[1-7])"),
            Map.entry("w", "(?P<w>[0-6])"),
            Map.entry("x", "(?P<m>1[0-2]|0[1-9]|[1-9])/(?P<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])/(?P<y>\\d\\d)"),
            Map.entry("y", "(?P<y>\\d\\d)"),
            Map.entry("z", "(?P<z>Z|UTC|GMT|[+-][01]\\d(?::?\\d{2})?)"));

    private static final Pattern FIELD = Pattern.compile(
            "%(%|Ex[HMSYZdklmyz]|[ABGHIMSUVWXYZabcdfjklmpuwxyz])");
    private static final Pattern ALPHA_FIELD = Pattern.compile("(?<!%)%[aAbBpc]");
    private static final Pattern EPOCH_FIELD = Pattern.compile("(?<!\\\\)\\{L?EPOCH\\}", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE_FIELD = Pattern.compile("(?<!\\\\)\\{DATE\\}", Pattern.CASE_INSENSITIVE);

    // fail2ban/server/datetemplate.py
    private static final Pattern GROUPED = Pattern.compile("(?<!(?:\\(\\?))(?<!\\\\)\\((?!\\?)");
    private static final Pattern GROUP = Pattern.compile("^((?:\\(\\?\\w+\\))?\\^?(?:\\(\\?\\w+\\))?)(.*?)(\\$?)$", Pattern.DOTALL);
    private static final Pattern GLOBAL_FLAGS = Pattern.compile("((?:^|(?!<\\\\))\\(\\?[a-z]+\\))");
    private static final Pattern NO_WORD_BOUND_BEG = Pattern.compile("^\\(*(?:\\(\\?\\w+\\))?(?:\\^|\\(*\\*\\*|\\((?:\\?:)?\\^)");
    private static final Pattern NO_WORD_BOUND_END = Pattern.compile("(?<!\\\\)(?:\\$\\)?|\\\\b|\\\\s|\\*\\*\\)*)$");
    private static final Pattern DEL_WORD_BOUNDS = Pattern.compile("^\\(*(?:\\(\\?\\w+\\))?\\(*\\*\\*|(?<!\\\\)\\*\\*\\)*$");
    private static final Pattern LINE_BOUND_BEG = Pattern.compile("^(?:\\(\\?\\w+\\))?(?:\\^|\\((?:\\?:)?\\^(?!\\|))");
    private static final Pattern LINE_BOUND_END = Pattern.compile("(?<![\\\\|])(?:\\$\\)?)$");
    private static final Pattern EX_NO_BOUNDS = Pattern.compile("^\\{UNB\\}");
    private static final Pattern EX_LINE_BEG = Pattern.compile("^\\{\\^LN-BEG\\}");
    private static final Pattern EX_START_ANCHOR = Pattern.compile("^\\((?:\\?:)?\\^\\|\\\\b\\|\\\\W\\)");
    private static final Pattern EX_END_ANCHOR = Pattern.compile("\\(\\?=\\\\b\\|\\\\W\\|\\$\\)$");

    /** fail2ban's DEFAULT_TEMPLATES (datedetector.py), in its order. */
    private static final List<String> DEFAULT_TEMPLATES = List.of(
            "%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\\s*%z)?",
            "(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?",
            "(?:%a )?%b %d %ExY %k:%M:%S(?:\\.%f)?",
            "%d(?P<_sep>[-/])%m(?P=_sep)(?:%ExY|%Exy) %k:%M:%S",
            "%d(?P<_sep>[-/])%b(?P=_sep)%ExY[ :]?%H:%M:%S(?:\\.%f)?(?: %z)?",
            "%m/%d/%ExY:%H:%M:%S",
            "%m-%d-%ExY %k:%M:%S(?:\\.%f)?",
            "EPOCH",
            "{^LN-BEG}%H:%M:%S",
            "^<%m/%d/%Exy@%H:%M:%S>",
            "%Exy%Exm%Exd  ?%H:%M:%S",
            "%b %d, %ExY %I:%M:%S %p",
            "^%b-%d-%Exy %k:%M:%S",
            "%ExY%Exm%Exd(?:T|  ?)%ExH%ExM%ExS(?:[.,]%f)?(?:\\s*%z)?",
            "(?:%Z )?(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?",
            "(?:%z )?(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?",
            "TAI64N");

    /** A compiled template: where the date is (group 1) and whether it is anchored at the line. */
    private record Template(String pattern, Pattern regex, boolean anchored) {
    }

    private final List<Template> templates;

    private DateDetector(List<Template> templates) {
        this.templates = templates;
    }

    /** @param datepattern the filter's datepattern option, or null for fail2ban's defaults */
    static DateDetector of(String datepattern) {
        List<Template> list = new ArrayList<>();
        if (datepattern == null) {
            list.addAll(defaults(false));
        } else {
            for (String line : datepattern.split("\n+")) {
                String p = line.strip();
                if (p.isEmpty()) {
                    continue;
                }
                String key = p.contains("%") ? p : p.toUpperCase(Locale.ROOT);
                if (key.equals("{^LN-BEG}") || key.equals("{DEFAULT}")) {
                    list.addAll(defaults(key.equals("{^LN-BEG}")));
                } else if (key.contains("{DATE}")) {
                    for (String t : DEFAULT_TEMPLATES) {
                        String inner = t.equals("EPOCH") ? "Epoch" : t;
                        list.add(template(DATE_FIELD.matcher(p).replaceAll(
                                java.util.regex.Matcher.quoteReplacement(unbound(inner)))));
                    }
                } else if (key.equals("{NONE}")) {
                    list.add(template("{UNB}^"));
                } else {
                    list.add(template(p));
                }
            }
        }
        return new DateDetector(List.copyOf(list));
    }

    /** fail2ban's default templates: anchored copies first, then (unless lineBeginOnly) all of them. */
    private static List<Template> defaults(boolean lineBeginOnly) {
        List<Template> anchored = new ArrayList<>();
        List<Template> originals = new ArrayList<>();
        for (String t : DEFAULT_TEMPLATES) {
            Template original = template(t);
            boolean named = t.startsWith("{^LN-BEG}") || t.startsWith("^");
            if (!named) {
                anchored.add(template("{^LN-BEG}" + t));
            }
            if (!lineBeginOnly || original.anchored) {
                originals.add(original);
            }
        }
        anchored.addAll(originals);
        return anchored;
    }

    /** fail2ban's _getPatternTemplate. */
    private static Template template(String pattern) {
        String key = pattern.contains("%") ? pattern : pattern.toUpperCase(Locale.ROOT);
        if (key.contains("EPOCH")) {
            Matcher m = EPOCH_FIELD.matcher(pattern);
            if (m.find()) {
                boolean longForm = key.contains("LEPOCH");
                String inner = "(" + m.replaceAll(Matcher.quoteReplacement("(" + epoch(longForm) + ")")) + ")";
                return build(pattern, inner, true, true);
            }
            String bare = key.replace("{^LN-BEG}", "^");
            if (bare.equals("EPOCH") || bare.equals("^EPOCH")) {
                return epochTemplate(pattern, bare.startsWith("^"), false);
            }
            if (bare.equals("LEPOCH") || bare.equals("^LEPOCH")) {
                return epochTemplate(pattern, bare.startsWith("^"), true);
            }
        }
        if (key.equals("TAI64N") || key.equals("{^LN-BEG}TAI64N") || key.equals("^TAI64N")) {
            return build(pattern, key.equals("TAI64N") ? "@[0-9a-f]{24}" : "{^LN-BEG}@[0-9a-f]{24}", false, true);
        }
        return datePattern(pattern);
    }

    private static String epoch(boolean longForm) {
        return longForm ? "\\d{10,11}(?:\\d{3}(?:\\.\\d{1,6}|\\d{3})?)?" : "\\d{10,11}\\b(?:\\.\\d{3,6})?";
    }

    /**
     * DateEpoch without a pattern. Its Python regex uses conditional groups, which Java lacks; these
     * are the same conditions written out: "[" before the number at line start wants "]" after it.
     */
    private static Template epochTemplate(String pattern, boolean lineBeginOnly, boolean longForm) {
        String e = epoch(longForm);
        String java = lineBeginOnly
                ? "^(?:\\W{0,2})?((?:(?<=^\\[)(?=" + e + "\\])|(?<!^\\[))" + e + ")(?=\\b|\\W|$)"
                : "((?:^|(?<=^\\[)|(?<=\\baudit\\())" + e + ")(?=\\b|\\W|$)";
        return new Template(pattern, Pattern.compile(java, Pattern.UNIX_LINES), lineBeginOnly);
    }

    /** DatePatternRegex.setRegex: strptime fields to expressions, then DateTemplate.setRegex. */
    private static Template datePattern(String pattern) {
        boolean wordBegin = true;
        boolean wordEnd = true;
        String p = pattern;
        if (EX_NO_BOUNDS.matcher(p).find()) {
            p = EX_NO_BOUNDS.matcher(p).replaceFirst("");
            wordBegin = wordEnd = false;
        }
        boolean start = false;
        if (wordBegin && EX_LINE_BEG.matcher(p).find()) {
            p = EX_LINE_BEG.matcher(p).replaceFirst("");
            start = true;
        }
        StringBuilder regex = new StringBuilder();
        Matcher f = FIELD.matcher(p);
        int last = 0;
        while (f.find()) {
            regex.append(literalPart(pattern, p.substring(last, f.start()))).append(TIME_RE.get(f.group(1)));
            last = f.end();
        }
        regex.append(literalPart(pattern, p.substring(last)));
        String r = regex.toString();
        if (ALPHA_FIELD.matcher(p).find()) {
            r = "(?iu)" + r;
        }
        return build(pattern, r, wordBegin ? (start ? null : Boolean.TRUE) : Boolean.FALSE, wordEnd);
    }

    /** Text between strptime fields; a '%' there is a field fail2ban does not know either. */
    private static String literalPart(String pattern, String part) {
        if (part.contains("%")) {
            throw new IllegalArgumentException("unsupported date field '" + part.substring(part.indexOf('%'))
                    + "' in datepattern '" + pattern + "'");
        }
        return part;
    }

    /**
     * DateTemplate.setRegex.
     *
     * @param wordBegin TRUE: word boundary before; null: fail2ban's 'start' (line begin); FALSE: none
     */
    private static Template build(String pattern, String regex, Boolean wordBegin, boolean wordEnd) {
        if (regex.startsWith("{^LN-BEG}")) { // TAI64N anchored
            regex = regex.substring("{^LN-BEG}".length());
            wordBegin = null;
        }
        regex = regex.strip();
        String flags = null;
        Matcher gf = GLOBAL_FLAGS.matcher(regex);
        if (gf.find()) {
            flags = gf.group(1);
            regex = gf.replaceFirst("");
        }
        boolean begin = wordBegin != Boolean.FALSE && !NO_WORD_BOUND_BEG.matcher(regex).find();
        boolean end = wordEnd && !NO_WORD_BOUND_END.matcher(regex).find();
        if (!GROUPED.matcher(regex).find()) {
            regex = GROUP.matcher(regex).replaceFirst("$1($2)$3");
        }
        boolean anchored = false;
        if (begin) {
            if (wordBegin == null) {
                regex = "^(?:\\W{0,2})?" + regex;
                anchored = true;
            } else {
                regex = "(?=^|\\b|\\W)" + regex;
            }
        }
        if (end) {
            regex += "(?=\\b|\\W|$)";
        }
        anchored |= LINE_BOUND_BEG.matcher(regex).find() || LINE_BOUND_END.matcher(regex).find();
        Matcher del = DEL_WORD_BOUNDS.matcher(regex);
        StringBuilder sb = new StringBuilder();
        while (del.find()) {
            del.appendReplacement(sb, Matcher.quoteReplacement(del.group().replace("**", "")));
        }
        del.appendTail(sb);
        regex = (flags == null ? "" : flags) + sb;
        Pattern compiled;
        try {
            compiled = PythonRegex.translate(regex, 0).pattern();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("datepattern '" + pattern + "': " + e.getMessage());
        }
        return new Template(pattern, compiled, anchored);
    }

    /** DateTemplate.unboundPattern: a template pattern without its boundary markers. */
    private static String unbound(String pattern) {
        String p = EX_NO_BOUNDS.matcher(pattern).replaceFirst("");
        p = EX_LINE_BEG.matcher(p).replaceFirst("");
        p = EX_START_ANCHOR.matcher(p).replaceFirst("");
        return EX_END_ANCHOR.matcher(p).replaceFirst("");
    }

    /**
     * The date's span in {@code text} as {@code {start, end}}, or null when no template finds one.
     * An anchored template that matches wins; otherwise the match nearest the line start.
     */
    int[] find(CharSequence text) {
        int[] best = null;
        for (Template t : templates) {
            Matcher m = t.regex.matcher(text);
            if (!m.find()) {
                continue;
            }
            int s = m.start(1);
            int e = m.end(1);
            if (s < 0) {
                continue;
            }
            if (t.anchored || m.start() <= 1) {
                return new int[] {s, e};
            }
            if (best == null || m.start() < best[2]) {
                best = new int[] {s, e, m.start()};
            }
        }
        return best == null ? null : new int[] {best[0], best[1]};
    }
}

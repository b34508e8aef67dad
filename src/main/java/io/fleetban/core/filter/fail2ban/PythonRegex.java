package io.fleetban.core.filter.fail2ban;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates a Python {@code re} pattern, as fail2ban writes them, into a java.util.regex pattern
 * with the same meaning on a log line read as ISO-8859-1 bytes (see BoundedText):
 * {@code (?P<name>..)} → {@code (?<name>..)} (names Java refuses, such as {@code _sep}, are renamed
 * and the mapping kept), {@code (?P=name)} → {@code \k<name>}, {@code (?#..)} dropped, a '{' that is
 * not a quantifier and '[' or '&' inside a class escaped, {@code {,n}} → {@code {0,n}}, {@code \Z}
 * → {@code \z}, {@code \v}/{@code \a}/octal escapes spelled out, and a non-ASCII literal turned into
 * its UTF-8 bytes. What has no Java equivalent (conditional groups, verbose or locale flags,
 * {@code \N{..}}, non-ASCII characters inside a class) is refused with the construct named.
 */
final class PythonRegex {

    /** A translated pattern and the Java name of each Python group name. */
    record Translated(Pattern pattern, Map<String, String> groups) {

        /** The Java group name for a Python group name, or null when the pattern has no such group. */
        String group(String pythonName) {
            return groups.get(pythonName);
        }
    }

    private final String src;
    private final StringBuilder out = new StringBuilder();
    private final Map<String, String> names = new HashMap<>();
    private final Set<String> javaNames = new HashSet<>();
    private int i;

    private PythonRegex(String src) {
        this.src = src;
    }

    /** @throws IllegalArgumentException naming the construct when the pattern can't be translated */
    static Translated translate(String python, int flags) {
        PythonRegex t = new PythonRegex(python);
        t.run();
        try {
            return new Translated(Pattern.compile(t.out.toString(), flags | Pattern.UNIX_LINES), Map.copyOf(t.names));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression '" + python + "': " + e.getDescription());
        }
    }

    private void run() {
        while (i < src.length()) {
            char c = src.charAt(i);
            switch (c) {
                case '\\' -> escape(false);
                case '[' -> charClass();
                case '(' -> group();
                case '{' -> brace();
                case '}' -> {
                    out.append("\\}");
                    i++;
                }
                default -> {
                    literal(c);
                    i++;
                }
            }
        }
    }

    private void literal(char c) {
        if (c < 0x80) {
            out.append(c);
            return;
        }
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < src.length()) {
            utf8 = src.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
            i++;
        }
        out.append("(?:");
        for (byte b : utf8) {
            out.append(String.format("\\x%02x", b & 0xff));
        }
        out.append(')');
    }

    private void escape(boolean inClass) {
        if (i + 1 >= src.length()) {
            throw new IllegalArgumentException("pattern ends with a lone backslash: '" + src + "'");
        }
        char c = src.charAt(i + 1);
        i += 2;
        switch (c) {
            case 'Z' -> out.append("\\z");
            case 'v' -> out.append("\\x0b");
            case 'a' -> out.append("\\x07");
            case 'b' -> out.append(inClass ? "\\x08" : "\\b");
            case 'd', 'D', 's', 'S', 'w', 'W', 'n', 't', 'r', 'f' -> out.append('\\').append(c);
            case 'A', 'B' -> {
                if (inClass) {
                    throw unsupported("\\" + c + " inside a character class");
                }
                out.append('\\').append(c);
            }
            case 'x' -> {
                out.append("\\x").append(src, i, Math.min(i + 2, src.length()));
                i += 2;
            }
            case 'u', 'U' -> {
                int n = c == 'u' ? 4 : 8;
                String hex = src.substring(i, Math.min(i + n, src.length()));
                i += n;
                int cp = Integer.parseInt(hex, 16);
                if (cp < 0x80) {
                    out.append(String.format("\\x%02x", cp));
                } else if (inClass) {
                    throw unsupported("non-ASCII \\" + c + hex + " inside a character class");
                } else {
                    out.append("(?:");
                    for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                        out.append(String.format("\\x%02x", b & 0xff));
                    }
                    out.append(')');
                }
            }
            case 'N' -> throw unsupported("\\N{...} named character");
            default -> {
                if (c == '0' || (inClass && c >= '1' && c <= '7')) {
                    int start = i - 1;
                    int end = start + 1;
                    while (end < src.length() && end - start < 3 && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
                        end++;
                    }
                    out.append(String.format("\\x{%x}", Integer.parseInt(src.substring(start, end), 8)));
                    i = end;
                } else if (c >= '1' && c <= '9') {
                    out.append('\\').append(c); // back reference
                } else if (Character.isLetterOrDigit(c)) {
                    throw unsupported("escape \\" + c);
                } else if (c >= 0x80) {
                    i--;
                    literal(c);
                    i++;
                } else {
                    out.append('\\').append(c);
                }
            }
        }
    }

    private void charClass() {
        out.append('[');
        i++;
        if (i < src.length() && src.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        if (i < src.length() && src.charAt(i) == ']') {
            out.append("\\]");
            i++;
        }
        while (i < src.length() && src.charAt(i) != ']') {
            char c = src.charAt(i);
            if (c == '\\') {
                escape(true);
            } else if (c == '[' || c == '&') {
                out.append('\\').append(c);
                i++;
            } else if (c >= 0x80) {
                throw unsupported("non-ASCII character '" + c + "' inside a character class");
            } else {
                out.append(c);
                i++;
            }
        }
        if (i >= src.length()) {
            throw new IllegalArgumentException("unterminated character class in '" + src + "'");
        }
        out.append(']');
        i++;
    }

    private void group() {
        if (!src.startsWith("(?", i)) {
            out.append('(');
            i++;
            return;
        }
        if (src.startsWith("(?P<", i)) {
            int end = src.indexOf('>', i);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated group name in '" + src + "'");
            }
            String name = src.substring(i + 4, end);
            out.append("(?<").append(javaName(name)).append('>');
            i = end + 1;
        } else if (src.startsWith("(?P=", i)) {
            int end = src.indexOf(')', i);
            String name = src.substring(i + 4, end);
            String java = names.get(name);
            if (java == null) {
                throw new IllegalArgumentException("back reference to unknown group '" + name + "' in '" + src + "'");
            }
            out.append("\\k<").append(java).append('>');
            i = end + 1;
        } else if (src.startsWith("(?#", i)) {
            int end = src.indexOf(')', i);
            i = end < 0 ? src.length() : end + 1;
        } else if (src.startsWith("(?(", i)) {
            throw unsupported("conditional group (?(...)...)");
        } else if (src.startsWith("(?:", i) || src.startsWith("(?=", i) || src.startsWith("(?!", i)
                || src.startsWith("(?<=", i) || src.startsWith("(?<!", i) || src.startsWith("(?>", i)) {
            out.append("(?");
            i += 2;
        } else {
            flags();
        }
    }

    /** {@code (?aiLmsux)}, {@code (?i:...)}, {@code (?-i:...)}. */
    private void flags() {
        int j = i + 2;
        StringBuilder kept = new StringBuilder();
        while (j < src.length() && "aiLmsux-".indexOf(src.charAt(j)) >= 0) {
            char f = src.charAt(j);
            switch (f) {
                case 'L' -> throw unsupported("locale flag (?L)");
                case 'x' -> throw unsupported("verbose flag (?x)");
                case 'a', 'u' -> { } // ASCII/Unicode classes: lines are read as bytes either way
                default -> kept.append(f);
            }
            j++;
        }
        if (j >= src.length() || (src.charAt(j) != ')' && src.charAt(j) != ':')) {
            throw unsupported("group (?" + src.substring(i + 2, Math.min(j + 1, src.length())));
        }
        boolean scoped = src.charAt(j) == ':';
        if (kept.length() == 0 || kept.toString().equals("-")) {
            out.append(scoped ? "(?:" : "");
        } else {
            out.append("(?").append(kept).append(scoped ? ':' : ')');
        }
        i = j + 1;
    }

    /** '{' starts a quantifier only as {m}, {m,}, {,n} or {m,n}; otherwise it is a literal. */
    private void brace() {
        int j = i + 1;
        int lo = j;
        while (j < src.length() && Character.isDigit(src.charAt(j))) {
            j++;
        }
        String min = src.substring(lo, j);
        String max = null;
        if (j < src.length() && src.charAt(j) == ',') {
            int hi = ++j;
            while (j < src.length() && Character.isDigit(src.charAt(j))) {
                j++;
            }
            max = src.substring(hi, j);
        }
        boolean quantifier = j < src.length() && src.charAt(j) == '}' && (!min.isEmpty() || max != null);
        if (!quantifier) {
            out.append("\\{");
            i++;
            return;
        }
        out.append('{').append(min.isEmpty() ? "0" : min);
        if (max != null) {
            out.append(',').append(max);
        }
        out.append('}');
        i = j + 1;
    }

    private String javaName(String python) {
        if (names.containsKey(python)) {
            throw new IllegalArgumentException("group name '" + python + "' defined twice in '" + src + "'");
        }
        String java = python;
        if (!python.matches("[a-zA-Z][a-zA-Z0-9]*")) {
            String base = "py" + python.replaceAll("[^a-zA-Z0-9]", "");
            java = base;
            for (int n = 2; javaNames.contains(java) || src.contains("(?P<" + java + ">"); n++) {
                java = base + n;
            }
        }
        names.put(python, java);
        javaNames.add(java);
        return java;
    }

    private IllegalArgumentException unsupported(String construct) {
        return new IllegalArgumentException("unsupported construct " + construct + " in '" + src + "'");
    }
}

package io.fleetban.core.filter.fail2ban;

import io.fleetban.core.filter.fail2ban.FilterFileException.Origin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Reads one fail2ban .conf/.local file the way Python's configparser does for fail2ban: sections
 * in brackets, {@code key = value} or {@code key: value} (split at the first '=' or ':'), option
 * names lower-cased, continuation lines indented deeper than their option (each stripped, joined
 * with '\n', blank lines kept inside and trimmed at the end), full-line comments ('#' or ';'),
 * inline comments (';' after whitespace), and no duplicate section or option in one file.
 */
final class ConfigParser {

    static final String DEFAULT = "DEFAULT";

    private static final Pattern SECTION = Pattern.compile("\\[(.+)\\]");
    private static final Pattern OPTION = Pattern.compile("(.*?)\\s*([=:])\\s*(.*)");

    /** One value and where its first line is. */
    record Value(String text, Origin origin) {
    }

    /** One parsed file: DEFAULT and the other sections, in file order. */
    record Parsed(Path file, Map<String, Value> defaults, Map<String, Map<String, Value>> sections) {
    }

    private ConfigParser() {
    }

    static Parsed parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Value> defaults = new LinkedHashMap<>();
        Map<String, Map<String, Value>> sections = new LinkedHashMap<>();
        Map<String, List<String>> pending = new LinkedHashMap<>(); // option -> its lines, current section
        Map<String, Integer> pendingLine = new LinkedHashMap<>();
        Set<String> seenSections = new HashSet<>();
        Map<String, Value> current = null;
        String option = null;
        int indent = 0;
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1);
            int comment = commentStart(line);
            String value = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (value.isEmpty()) {
                if (comment < 0 && current != null && option != null) {
                    pending.get(option).add("");
                }
                continue;
            }
            int lineIndent = leadingWhitespace(line);
            if (current != null && option != null && lineIndent > indent) {
                pending.get(option).add(value);
                continue;
            }
            indent = lineIndent;
            Matcher s = SECTION.matcher(value);
            if (s.matches()) {
                flush(pending, pendingLine, current, file);
                String name = s.group(1);
                if (!seenSections.add(name)) {
                    throw new FilterFileException(file, n, "section [" + name + "] appears twice");
                }
                if (name.equals(DEFAULT)) {
                    current = defaults;
                } else {
                    current = sections.computeIfAbsent(name, k -> new LinkedHashMap<>());
                }
                option = null;
                continue;
            }
            if (current == null) {
                throw new FilterFileException(file, n, "a line before the first [section]: '" + value + "'");
            }
            Matcher o = OPTION.matcher(value);
            if (!o.matches() || o.group(1).isEmpty()) {
                throw new FilterFileException(file, n, "not an option (key = value): '" + value + "'");
            }
            option = o.group(1).stripTrailing().toLowerCase(java.util.Locale.ROOT);
            if (pending.containsKey(option) || current.containsKey(option)) {
                throw new FilterFileException(file, n, "option '" + option + "' appears twice in this section");
            }
            List<String> parts = new ArrayList<>();
            parts.add(o.group(3).strip());
            pending.put(option, parts);
            pendingLine.put(option, n);
        }
        flush(pending, pendingLine, current, file);
        return new Parsed(file, defaults, sections);
    }

    private static void flush(Map<String, List<String>> pending, Map<String, Integer> lines,
            Map<String, Value> section, Path file) {
        for (Map.Entry<String, List<String>> e : pending.entrySet()) {
            String text = String.join("\n", e.getValue()).stripTrailing();
            section.put(e.getKey(), new Value(text, new Origin(file, lines.get(e.getKey()))));
        }
        pending.clear();
        lines.clear();
    }

    /** Where a comment starts: a line whose first non-blank is '#' or ';', or ';' after whitespace. */
    private static int commentStart(String line) {
        String s = line.strip();
        if (s.startsWith("#") || s.startsWith(";")) {
            return 0;
        }
        for (int i = line.indexOf(';'); i > 0; i = line.indexOf(';', i + 1)) {
            if (Character.isWhitespace(line.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }

    private static int leadingWhitespace(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }
}

package io.fleetban.core.filter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * fail2ban's own sample logs (tests/files/logs/NAME): each {@code # failJSON: {...}} comment says
 * whether the next line matches and which host it blames; {@code # filterOptions: [...]} says
 * which filter options the lines after it are tested with (a "test.prefix-line" entry is put in
 * front of each line, as fail2ban's test does).
 */
public record Fail2banSampleLog(Path file, List<Sample> samples) {

    public static final Path LOGS = Path.of("/usr/lib/python3/dist-packages/fail2ban/tests/files/logs");
    public static final Path FILTER_D = Path.of("/etc/fail2ban/filter.d");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One checked line: where it is, its options, what fail2ban expects. */
    public record Sample(int lineNo, String line, Map<String, String> options, boolean match, String host) {

        /** The line as the filter sees it with these options. */
        public String effectiveLine() {
            String prefix = options.get("test.prefix-line");
            return prefix == null ? line : prefix + line;
        }

        /** Filter options that are not test instructions. */
        public Map<String, String> filterOptions() {
            Map<String, String> o = new java.util.LinkedHashMap<>(options);
            o.keySet().removeIf(k -> k.startsWith("test."));
            return o;
        }
    }

    public static Fail2banSampleLog read(String name) throws IOException {
        Path file = LOGS.resolve(name);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Sample> samples = new ArrayList<>();
        List<Map<String, String>> optionSets = List.of(Map.of());
        Map<String, Object> pending = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("# filterOptions:")) {
                optionSets = JSON.readValue(l.substring("# filterOptions:".length()),
                        new TypeReference<List<Map<String, String>>>() { });
            } else if (l.startsWith("# failJSON:")) {
                pending = JSON.readValue(l.substring("# failJSON:".length()), new TypeReference<Map<String, Object>>() { });
            } else if (l.startsWith("#") || l.isBlank()) {
                continue;
            } else if (pending != null) {
                boolean match = Boolean.TRUE.equals(pending.get("match"));
                for (Map<String, String> options : optionSets) {
                    samples.add(new Sample(i + 1, l, options, match, (String) pending.get("host")));
                }
                pending = null;
            }
        }
        return new Fail2banSampleLog(file, samples);
    }

    public static boolean installed() {
        return Files.isDirectory(LOGS) && Files.isDirectory(FILTER_D);
    }
}

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A deterministic FreeSWITCH log for the filter benchmark:
 * {@code java bench/GenFreeswitchLog.java OUT LINES [SEED]}.
 *
 * <p>10 % of the lines are failures ("SIP auth failure" 50 %, "SIP auth challenge" 30 %,
 * "Can't find user" 20 %) in every line style FreeSWITCH writes — plain, with the CPU-percent field
 * of FreeSWITCH >= 1.10.7, with the leading call UUID, UUID and CPU percent, the short
 * "[WARN] [SOFIA] [sofia_reg.c:N]" style, behind a syslog prefix — plus mod_fail2ban's
 * "A registration failed/was attempted" lines; IPv4 and IPv6 sources; some callers put other
 * addresses into their user names. The other 90 % are the lines a busy FreeSWITCH writes around
 * them (dialplan, channel state, RTP, sofia debug), in the same styles.
 *
 * <p>Writes OUT, OUT.truth (ground truth: failures per style, and per source and kind, as JSON)
 * and OUT.cpu (only the CPU-percent failure lines, to measure a filter's recall on them).
 */
public class GenFreeswitchLog {

    static final String[] STYLES = {"plain", "cpu", "uuid", "uuid-cpu", "sofia-short", "syslog", "mod_fail2ban"};
    /** How often each style occurs among failures (mod_fail2ban: its own log, a small share here). */
    static final int[] STYLE_WEIGHT = {30, 25, 15, 15, 5, 5, 5};

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: java bench/GenFreeswitchLog.java OUT LINES [SEED]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long lines = Long.parseLong(args[1]);
        Random r = new Random(args.length > 2 ? Long.parseLong(args[2]) : 20261125L);
        String[] sources = new String[600];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = i % 10 == 9
                    ? String.format("2001:db8:%x::%x", 1 + r.nextInt(0xfffe), 1 + r.nextInt(0xfffe))
                    : (1 + r.nextInt(223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        }
        Map<String, Map<String, Long>> truth = new TreeMap<>();
        Map<String, Long> perStyle = new TreeMap<>();
        long failures = 0;
        long t = 1764064800_000000L; // 2025-11-25 10:00:00 UTC, in microseconds
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             BufferedWriter cpu = Files.newBufferedWriter(Path.of(args[0] + ".cpu"), StandardCharsets.UTF_8)) {
            for (long n = 0; n < lines; n++) {
                t += r.nextInt(3000);
                int style = pickStyle(r);
                boolean failure = r.nextInt(10) == 0;
                String line;
                if (failure) {
                    String src = sources[(int) Math.min(sources.length - 1, Math.abs(r.nextGaussian()) * 150)];
                    int k = r.nextInt(10);
                    String kind = k < 5 ? "auth-failure" : k < 8 ? "auth-challenge" : "unknown-user";
                    if (STYLES[style].equals("mod_fail2ban") && kind.equals("unknown-user")) {
                        kind = "auth-failure"; // mod_fail2ban has no unknown-user line
                    }
                    line = failureLine(r, style, t, kind, src);
                    failures++;
                    perStyle.merge(STYLES[style], 1L, Long::sum);
                    truth.computeIfAbsent(normal(src), x -> new TreeMap<>()).merge(kind, 1L, Long::sum);
                    if (STYLES[style].contains("cpu")) {
                        cpu.write(line);
                        cpu.write('\n');
                    }
                } else {
                    line = otherLine(r, style == 6 ? 0 : style, t);
                }
                w.write(line);
                w.write('\n');
            }
        }
        StringBuilder j = new StringBuilder();
        j.append("{\"lines\":").append(lines).append(",\"failures\":").append(failures).append(",\"styles\":{");
        perStyle.forEach((k, v) -> j.append('"').append(k).append("\":").append(v).append(','));
        j.setLength(j.length() - 1);
        j.append("},\"ips\":{");
        truth.forEach((ip, kinds) -> {
            j.append('"').append(ip).append("\":{");
            kinds.forEach((k, v) -> j.append('"').append(k).append("\":").append(v).append(','));
            j.setLength(j.length() - 1);
            j.append("},");
        });
        j.setLength(j.length() - 1);
        j.append("}}\n");
        Files.writeString(Path.of(args[0] + ".truth"), j);
        System.err.printf("%s: %d lines, %d failures %s%n", out, lines, failures, perStyle);
    }

    static int pickStyle(Random r) {
        int x = r.nextInt(100);
        for (int i = 0; i < STYLE_WEIGHT.length; i++) {
            x -= STYLE_WEIGHT[i];
            if (x < 0) {
                return i;
            }
        }
        return 0;
    }

    /** Sources are generated in their normal form (v6: 2001:db8:X::Y, X and Y non-zero, lower case). */
    static String normal(String ip) {
        return ip;
    }

    static String ts(long micros) {
        long s = micros / 1_000_000;
        long us = micros % 1_000_000;
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(s, 0, java.time.ZoneOffset.UTC);
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d", d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
                d.getHour(), d.getMinute(), d.getSecond(), us);
    }

    static String uuid(Random r) {
        return String.format("%08x-%04x-%04x-%04x-%012x", r.nextInt(), r.nextInt(0x10000), 0x4000 | r.nextInt(0x1000),
                0x8000 | r.nextInt(0x4000), r.nextLong() & 0xffffffffffffL);
    }

    static String cpuIdle(Random r) {
        return String.format("%.2f%%", 60 + r.nextDouble() * 40);
    }

    /** The prefix of a WARNING line of sofia_reg.c (or of FILE at LEVEL) in the given style. */
    static String prefix(Random r, int style, long t, String level, String file) {
        int line = 1000 + r.nextInt(3000);
        return switch (STYLES[style]) {
            case "cpu" -> ts(t) + " " + cpuIdle(r) + " [" + level + "] " + file + ":" + line + " ";
            case "uuid" -> uuid(r) + " " + ts(t) + " [" + level + "] " + file + ":" + line + " ";
            case "uuid-cpu" -> uuid(r) + " " + ts(t) + " " + cpuIdle(r) + " [" + level + "] " + file + ":" + line + " ";
            case "sofia-short" -> ts(t).substring(5) + " [" + (level.equals("WARNING") ? "WARN" : level) + "] [SOFIA] ["
                    + file + ":" + line + "] ";
            case "syslog" -> ts(t).replace(' ', 'T') + " pbx1.example.net freeswitch[4242]: " + ts(t) + " [" + level + "] "
                    + file + ":" + line + " ";
            default -> ts(t) + " [" + level + "] " + file + ":" + line + " ";
        };
    }

    static String user(Random r) {
        return switch (r.nextInt(20)) {
            case 0 -> "";
            case 1 -> "6.6.6." + r.nextInt(255) + "] from ip 6.6.6." + r.nextInt(255);
            case 2 -> "admin";
            case 3 -> "sip:" + r.nextInt(1000) + "@7.7.7.7";
            default -> String.valueOf(100 + r.nextInt(9900));
        };
    }

    static String domain(Random r) {
        return r.nextInt(5) == 0 ? "198.51.100." + r.nextInt(255) : "pbx.example.net";
    }

    static String failureLine(Random r, int style, long t, String kind, String src) {
        if (STYLES[style].equals("mod_fail2ban")) {
            String what = kind.equals("auth-challenge") ? "A registration was attempted" : "A registration failed";
            return what + " user[" + user(r) + "] ip[" + src + "] at[" + ts(t).replace(' ', 'T') + "+0100]";
        }
        String p = prefix(r, style, t, "WARNING", "sofia_reg.c");
        String profile = r.nextBoolean() ? "internal" : "external";
        String method = r.nextInt(4) == 0 ? "INVITE" : "REGISTER";
        return switch (kind) {
            case "auth-failure" -> p + "SIP auth failure (" + method + ") on sofia profile '" + profile + "' for ["
                    + user(r) + "@" + domain(r) + "] from ip " + src;
            case "auth-challenge" -> p + "SIP auth challenge (" + method + ") on sofia profile '" + profile + "' for ["
                    + user(r) + "@" + domain(r) + "] from ip " + src;
            default -> p + "Can't find user [" + user(r) + "@" + domain(r) + "] from " + src;
        };
    }

    static final String[][] OTHER = {
        {"DEBUG", "sofia.c", "Channel sofia/internal/1001@pbx.example.net entering state [received][100]"},
        {"DEBUG", "switch_core_state_machine.c", "(sofia/internal/1001@pbx.example.net) State EXECUTE going to sleep"},
        {"INFO", "mod_dialplan_xml.c", "Processing Alice <1001>->1002 in context default"},
        {"NOTICE", "switch_channel.c", "New Channel sofia/internal/1001@pbx.example.net [5f1c1a2e-8c2b-4b8e-9d44-9c1a2b3c4d5e]"},
        {"DEBUG", "switch_rtp.c", "Correct audio ip/port confirmed."},
        {"INFO", "switch_core_media.c", "Audio Codec Compare [PCMU:0:8000:20:64000:1]/[PCMA:8:8000:20:64000:1]"},
        {"DEBUG", "sofia_reg.c", "Registration for 1001@pbx.example.net from 192.0.2.10 refreshed, expires in 3600"},
        {"WARNING", "switch_rtp.c", "RTP Packet timed out from 203.0.113.77:16384"},
        {"DEBUG", "mod_sofia.c", "Channel sofia/internal/1001@pbx.example.net hanging up, cause: NORMAL_CLEARING"},
        {"WARNING", "sofia_reg.c", "SIP auth success (REGISTER) on sofia profile 'internal' for [1001@pbx] from ip 192.0.2.10"},
        {"NOTICE", "sofia.c", "Hangup sofia/internal/1001@pbx.example.net [CS_EXECUTE] [NORMAL_CLEARING]"},
        {"ERR", "mod_lcr.c", "No rows returned for Can't find user [1002@pbx] from 192.0.2.66"},
    };

    static String otherLine(Random r, int style, long t) {
        String[] o = OTHER[r.nextInt(OTHER.length)];
        return prefix(r, style, t, o[0], o[1]) + o[2];
    }
}

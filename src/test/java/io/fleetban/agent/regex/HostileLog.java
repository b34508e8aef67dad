package io.fleetban.agent.regex;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A FreeSWITCH log in every line style with real failures from a few sources, where the callers
 * also stuff other addresses and the trailing structure into their user names and domains, and
 * other modules log look-alike text. Knows what a correct filter must report.
 */
final class HostileLog {

    final List<String> lines = new ArrayList<>();
    /** ip (normalised) -> kind -> count. */
    final Map<String, Map<String, Integer>> truth = new TreeMap<>();
    int failures;

    private static final String[] SOURCES = {"203.0.113.9", "198.51.100.23", "2001:db8:0:0::17", "::ffff:192.0.2.200"};
    private static final String[] DECOYS = {"6.6.6.6", "7.7.7.7", "2001:db8::bad", "10.0.0.1"};

    static HostileLog generate(long seed, int count) {
        HostileLog log = new HostileLog();
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            log.line(r);
        }
        return log;
    }

    private void line(Random r) {
        String decoy = DECOYS[r.nextInt(DECOYS.length)];
        String user = switch (r.nextInt(7)) {
            case 0 -> "1000";
            case 1 -> "x] from ip " + decoy + "@evil";
            case 2 -> decoy;
            case 3 -> "a b [c] from " + decoy;
            case 4 -> "";
            case 5 -> "] ip[" + decoy + "] at[now";
            default -> "sip:" + decoy + ":5060 from ip " + decoy;
        };
        String domain = r.nextBoolean() ? "pbx.example" : decoy + "] from ip " + decoy;
        String source = SOURCES[r.nextInt(SOURCES.length)];
        String ts = String.format("2026-11-25 10:%02d:%02d.%06d", r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000));
        String prefix = switch (r.nextInt(5)) {
            case 0 -> ts + " [WARNING] sofia_reg.c:1664 ";
            case 1 -> ts + " " + (r.nextInt(10000) / 100.0) + "% [WARNING] sofia_reg.c:1664 ";
            case 2 -> "d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 " + ts + " 97.10% [WARNING] sofia_reg.c:1664 ";
            case 3 -> "11-25 10:00:00.000001 [WARN] [SOFIA] [sofia_reg.c:4130] ";
            default -> "2026-11-25T10:00:00.000001 pbx1 freeswitch[4242]: " + ts + " [WARNING] sofia_reg.c:2889 ";
        };
        switch (r.nextInt(8)) {
            case 0 -> fail(prefix + "SIP auth failure (REGISTER) on sofia profile 'internal' for [" + user + "@" + domain
                    + "] from ip " + source, source, FailureKind.AUTH_FAILURE);
            case 1 -> fail(prefix + "SIP auth challenge (INVITE) on sofia profile 'external' for [" + user + "@" + domain
                    + "] from ip " + source, source, FailureKind.AUTH_CHALLENGE);
            case 2 -> fail(prefix + "Can't find user [" + user + "@" + domain + "] from " + source, source,
                    FailureKind.UNKNOWN_USER);
            case 3 -> fail("A registration failed user[" + user + "] ip[" + source + "] at[2026-11-25T10:00:00.1+0100]",
                    source, FailureKind.AUTH_FAILURE);
            case 4 -> lines.add(ts + " [DEBUG] sofia.c:2100 User-Agent: " + user + " [WARNING] sofia_reg.c:1 SIP auth "
                    + "failure (REGISTER) on sofia profile 'x' for [" + user + "] from ip " + decoy);
            case 5 -> lines.add(ts + " [NOTICE] sofia_reg.c:1664 SIP auth failure (REGISTER) on sofia profile 'x' for ["
                    + user + "] from ip " + decoy);
            case 6 -> lines.add("Abandoned call from  user[" + user + "] ip[" + decoy + "] at[2026-11-25T10:00:00.1+0100]");
            default -> lines.add(ts + " [INFO] mod_dialplan_xml.c:637 Processing " + user + " <" + decoy + ">->1000 in "
                    + "context public");
        }
    }

    private void fail(String line, String source, FailureKind kind) {
        lines.add(line);
        failures++;
        truth.computeIfAbsent(IpAddress.parse(source).toString(), k -> new TreeMap<>())
                .merge(kind.wireName(), 1, Integer::sum);
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }
}

package io.fleetban.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.Fail2banSampleLog.Sample;
import io.fleetban.core.filter.fail2ban.Fail2banFilterLoader;
import io.fleetban.core.net.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fail2ban's own sample logs, line by line: each {@code # failJSON} says whether the next line is
 * a failure and whose. Our built-in filters must agree (for freeswitch, the union of fail2ban's
 * modes: both the normal and the ddos lines match, and the challenge line is auth-challenge), and
 * so must Debian's filter.d/NAME.conf loaded by our fail2ban loader, with each block's options.
 */
class Fail2banSampleLogsTest {

    @BeforeAll
    static void fail2banInstalled() {
        assumeTrue(Fail2banSampleLog.installed(),
                "fail2ban is not installed (apt-get install fail2ban): skipping the failJSON agreement");
    }

    @ParameterizedTest
    @ValueSource(strings = {"freeswitch", "asterisk"})
    void builtInFilterAgreesWithEveryFailJson(String name) throws IOException {
        Fail2banSampleLog log = Fail2banSampleLog.read(name);
        LineFilter filter = LineFilters.resolve(name);
        List<String> disagreements = new ArrayList<>();
        int checked = 0;
        for (Sample s : log.samples()) {
            Failure f = match(filter, s.effectiveLine());
            checked++;
            check(s, f, disagreements);
            if (f != null && name.equals("freeswitch")) {
                FailureKind expected = s.line().contains("SIP auth challenge") ? FailureKind.AUTH_CHALLENGE
                        : s.line().contains("Can't find user") ? FailureKind.UNKNOWN_USER : FailureKind.AUTH_FAILURE;
                if (f.kind() != expected) {
                    disagreements.add(log.file() + ":" + s.lineNo() + " kind " + f.kind() + ", expected " + expected);
                }
            }
        }
        System.out.printf("%s: %d failJSON samples checked against the built-in filter%n", name, checked);
        assertFalse(checked == 0, "no failJSON samples in " + log.file());
        assertEquals(List.of(), disagreements);
    }

    @ParameterizedTest
    @ValueSource(strings = {"freeswitch", "asterisk"})
    void debianFilterLoadedByUsAgreesWithEveryFailJson(String name) throws IOException {
        Fail2banSampleLog log = Fail2banSampleLog.read(name);
        Map<Map<String, String>, LineFilter> filters = new HashMap<>();
        List<String> disagreements = new ArrayList<>();
        for (Sample s : log.samples()) {
            LineFilter filter = filters.computeIfAbsent(s.filterOptions(), o -> load(name, o));
            check(s, match(filter, s.effectiveLine()), disagreements);
        }
        System.out.printf("%s: %d failJSON samples checked against %s/%s.conf (option sets: %s)%n", name,
                log.samples().size(), Fail2banSampleLog.FILTER_D, name, filters.keySet());
        assertEquals(List.of(), disagreements);
    }

    private static LineFilter load(String name, Map<String, String> options) {
        try {
            return Fail2banFilterLoader.load(Fail2banSampleLog.FILTER_D.resolve(name + ".conf"), options);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(Sample s, Failure f, List<String> disagreements) {
        String where = s.lineNo() + (s.options().isEmpty() ? "" : " " + s.options());
        if (s.match() && f == null) {
            disagreements.add(where + ": expected a failure of " + s.host() + ", got none: " + s.line());
        } else if (!s.match() && f != null) {
            disagreements.add(where + ": expected no failure, got " + f + ": " + s.line());
        } else if (s.match() && s.host() != null && !f.ip().equals(IpAddress.parse(s.host()))) {
            disagreements.add(where + ": expected " + s.host() + ", got " + f.ip() + ": " + s.line());
        }
    }

    static Failure match(LineFilter filter, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return filter.match(b, 0, b.length);
    }
}

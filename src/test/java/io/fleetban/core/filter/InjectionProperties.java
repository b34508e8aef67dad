package io.fleetban.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.fail2ban.Fail2banFilterLoader;
import io.fleetban.core.net.IpAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a caller puts in the user name, domain or user agent — addresses, "from ip X", brackets,
 * the whole trailing structure — the filters only ever blame the address FreeSWITCH wrote at the
 * end of the line; and no input makes a filter throw.
 */
class InjectionProperties {

    private static final FreeswitchFilter FREESWITCH = new FreeswitchFilter();
    private static final List<LineFilter> ALL = allFilters();

    private static List<LineFilter> allFilters() {
        List<LineFilter> all = new ArrayList<>(List.of(FREESWITCH, new AsteriskFilter()));
        for (String name : List.of("freeswitch", "asterisk")) {
            Path conf = Fail2banSampleLog.FILTER_D.resolve(name + ".conf");
            if (Files.isRegularFile(conf)) {
                try {
                    all.add(Fail2banFilterLoader.load(conf, Map.of()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return all;
    }

    /** Text a caller controls: pieces of the real structure, addresses, and noise. */
    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                ips(),
                Arbitraries.of("from ip ", "] from ip ", " from ", "] from ", "@", "[", "]", " ", "'", "' for [",
                        "SIP auth failure (REGISTER) on sofia profile 'internal' for [", "Can't find user [",
                        "] ip[", "] at[", "user[", " ip[", "A registration failed user[", "%", "\\", "\"", "\t",
                        "(", ")", "::", ".", ":"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u00a0', '\u04ff').ofMaxLength(3));
        return piece.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> ips() {
        Arbitrary<String> v4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
        Arbitrary<String> v6 = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
                .map(l -> IpAddress.parse(String.join(":", l.stream().map(Integer::toHexString).toList())).toString());
        return Arbitraries.oneOf(v4, v6, Arbitraries.of("::1", "::ffff:1.2.3.4", "2001:db8::1", "6.6.6.6"));
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of(
                "2022-01-11 11:52:21.912339 [WARNING] sofia_reg.c:1664 ",
                "2022-01-11 11:52:21.912339 95.73% [WARNING] sofia_reg.c:1664 ",
                "d1d5c1a8-7c8f-4c0e-9e7b-4a1f0b2f4d11 2022-01-11 11:52:21.912339 100.00% [WARNING] sofia_reg.c:1664 ",
                "08-03 07:56:53.026292 [WARN] [SOFIA] [sofia_reg.c:4130] ",
                "2016-09-25T18:57:58.150982 www.srv.tld freeswitch[122921]: 2016-09-25 18:57:58.150982 [WARNING] sofia_reg.c:2889 ");
    }

    @Property
    void sofiaLinesBlameOnlyTheTrailingAddress(@ForAll("prefixes") String prefix, @ForAll("hostile") String user,
            @ForAll("hostile") String domain, @ForAll("ips") String source, @ForAll("kinds") FailureKind kind) {
        String message = switch (kind) {
            case AUTH_FAILURE -> "SIP auth failure (REGISTER) on sofia profile 'internal' for [" + user + "@" + domain
                    + "] from ip " + source;
            case AUTH_CHALLENGE -> "SIP auth challenge (INVITE) on sofia profile 'external' for [" + user + "@" + domain
                    + "] from ip " + source;
            case UNKNOWN_USER -> "Can't find user [" + user + "@" + domain + "] from " + source;
        };
        String line = prefix + message;
        IpAddress truth = IpAddress.parse(source);
        Failure f = match(FREESWITCH, line);
        assertNotNull(f, line);
        assertEquals(truth, f.ip(), line);
        assertEquals(kind, f.kind(), line);
        for (LineFilter other : ALL) {
            Failure g = match(other, line);
            assertTrue(g == null || g.ip().equals(truth), other.name() + " blamed " + g + " for " + line);
        }
    }

    @Property
    void modFail2banLinesBlameOnlyTheTrailingAddress(@ForAll("hostile") String user, @ForAll("ips") String source,
            @ForAll boolean failed) {
        String line = (failed ? "A registration failed" : "A registration was attempted") + " user[" + user + "] ip["
                + source + "] at[2026-11-25T10:00:00.123456+0100]";
        Failure f = match(FREESWITCH, line);
        assertNotNull(f, line);
        assertEquals(IpAddress.parse(source), f.ip(), line);
        assertEquals(failed ? FailureKind.AUTH_FAILURE : FailureKind.AUTH_CHALLENGE, f.kind());
    }

    /** A user agent or other header logged by another module never makes a failure. */
    @Property
    void otherModulesNeverFail(@ForAll("hostile") String text) {
        for (String prefix : List.of("2022-01-11 11:52:21.912339 [DEBUG] sofia.c:2100 User-Agent: ",
                "2022-01-11 11:52:21.912339 [NOTICE] sofia_reg.c:1 ", "User-Agent: ", "   ")) {
            String line = prefix + text + " [WARNING] sofia_reg.c:1 SIP auth failure (REGISTER) on sofia profile 'x' for ["
                    + text + "] from ip 6.6.6.6";
            assertEquals(null, match(FREESWITCH, line), line);
        }
    }

    @Property
    void randomBytesNeverThrow(@ForAll byte[] line) {
        for (LineFilter f : ALL) {
            f.match(line, 0, line.length);
        }
    }

    @Property
    void randomStructuredTextNeverThrows(@ForAll("prefixes") String prefix, @ForAll("hostile") String a,
            @ForAll("hostile") String b) {
        for (String line : List.of(prefix + a + b, a + prefix + b, "[2012-02-13 17:21:54] NOTICE[1638] chan_sip.c: " + a
                + "' failed for '" + b, "SecurityEvent=\"" + a + "\",RemoteAddress=\"" + b)) {
            for (LineFilter f : ALL) {
                f.match(bytes(line), 0, bytes(line).length);
            }
        }
    }

    @Provide
    Arbitrary<FailureKind> kinds() {
        return Arbitraries.of(FailureKind.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Failure match(LineFilter f, String line) {
        byte[] b = bytes(line);
        return f.match(b, 0, b.length);
    }
}

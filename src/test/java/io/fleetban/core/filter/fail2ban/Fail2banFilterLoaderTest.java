package io.fleetban.core.filter.fail2ban;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.LineFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fail2banFilterLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static Failure match(LineFilter f, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return f.match(b, 0, b.length);
    }

    @Test
    void includesInterpolationTagsAndModes() throws IOException {
        write("base.conf", """
                [INCLUDES]
                after = base.local

                [DEFAULT]
                _daemon = \\S*
                __prefix = (?:%(_daemon)s\\[\\d+\\]: )?

                [lt_file]
                word = failed
                """);
        write("base.local", """
                [DEFAULT]
                _daemon = mydaemon
                """);
        Path conf = write("my.conf", """
                [INCLUDES]
                before = base.conf

                [Definition]
                mode = normal
                ; an inline comment after whitespace ; is dropped
                prefregex = ^\\s*%(__prefix)s<F-CONTENT>.+</F-CONTENT>$
                mdre-normal = ^login <lt_file/word> for \\S+ from <HOST>$
                mdre-extra = %(mdre-normal)s
                              # a comment inside a multi-line value
                              ^probe 100%% from <ADDR>( port \\d+)?$
                failregex = <mdre-<mode>>
                datepattern = ^%%Y-%%m-%%d %%H:%%M:%%S
                """);
        LineFilter normal = Fail2banFilterLoader.load(conf, Map.of());
        assertEquals("198.51.100.7", match(normal, "2026-11-25 10:00:00 mydaemon[12]: login failed for bob from 198.51.100.7").ip().toString());
        assertEquals(FailureKind.AUTH_FAILURE, match(normal, "2026-11-25 10:00:00 login failed for bob from 198.51.100.7").kind());
        assertNull(match(normal, "2026-11-25 10:00:00 otherd[12]: login failed for bob from 198.51.100.7"));
        assertNull(match(normal, "2026-11-25 10:00:00 probe 100% from 198.51.100.7"));

        LineFilter extra = Fail2banFilterLoader.load(conf + "[mode=extra]");
        assertEquals("2001:db8::9", match(extra, "2026-11-25 10:00:00 probe 100% from [2001:db8::9] port 5").ip().toString());
        assertEquals("198.51.100.7", match(extra, "2026-11-25 10:00:00 login failed for x from 198.51.100.7").ip().toString());
    }

    @Test
    void initSectionAndIgnoreregex() throws IOException {
        Path conf = write("init.conf", """
                [Definition]
                failregex = ^<what> from <HOST>$
                ignoreregex = ^.+ from 10\\.
                [Init]
                what = bad thing
                """);
        LineFilter f = Fail2banFilterLoader.load(conf, Map.of());
        assertEquals("203.0.113.1", match(f, "bad thing from 203.0.113.1").ip().toString());
        assertNull(match(f, "bad thing from 10.0.0.1"));
        LineFilter overridden = Fail2banFilterLoader.load(conf, Map.of("what", "worse thing"));
        assertNull(match(overridden, "bad thing from 203.0.113.1"));
        assertEquals("203.0.113.1", match(overridden, "worse thing from 203.0.113.1").ip().toString());
    }

    @Test
    void pythonSyntaxIsTranslated() throws IOException {
        Path conf = write("py.conf", """
                [Definition]
                failregex = ^(?P<sep>[-/])x(?P=sep) user (?P<_u>\\w+){,3} \\{literal\\} [[] from <F-ID>\\S+</F-ID>\\Z
                """);
        LineFilter f = Fail2banFilterLoader.load(conf, Map.of());
        assertEquals("192.0.2.5", match(f, "-x- user bob {literal} [ from 192.0.2.5").ip().toString());
        assertNull(match(f, "-x/ user bob {literal} [ from 192.0.2.5"));
        assertNull(match(f, "-x- user bob {literal} [ from host.example"), "an F-ID that is no address is no failure");
    }

    @Test
    void unsupportedConstructsNameFileLineAndConstruct() throws IOException {
        Path conditional = write("cond.conf", """
                [Definition]

                failregex = ^(?P<a>x)?(?(a)y|z) from <HOST>$
                """);
        FilterFileException e = assertThrows(FilterFileException.class, () -> Fail2banFilterLoader.load(conditional, Map.of()));
        assertTrue(e.getMessage().startsWith(conditional + ":3: failregex line 1: unsupported construct conditional group"),
                e.getMessage());

        Path multi = write("multi.conf", """
                [Definition]
                failregex = ^x from <HOST>$
                maxlines = 5
                """);
        e = assertThrows(FilterFileException.class, () -> Fail2banFilterLoader.load(multi, Map.of()));
        assertTrue(e.getMessage().startsWith(multi + ":3: unsupported construct maxlines = 5"), e.getMessage());

        Path noHost = write("nohost.conf", "[Definition]\nfailregex = ^nothing to blame$\n");
        e = assertThrows(FilterFileException.class, () -> Fail2banFilterLoader.load(noHost, Map.of()));
        assertTrue(e.getMessage().contains("no failure-id group"), e.getMessage());

        Path percent = write("pct.conf", "[Definition]\nfailregex = ^100% from <HOST>$\n");
        e = assertThrows(FilterFileException.class, () -> Fail2banFilterLoader.load(percent, Map.of()));
        assertTrue(e.getMessage().startsWith(percent + ":2: option 'failregex' in [Definition]: '%' must be followed"),
                e.getMessage());

        Path missing = write("missing.conf", "[Definition]\nfailregex = %(nowhere)s <HOST>\n");
        e = assertThrows(FilterFileException.class, () -> Fail2banFilterLoader.load(missing, Map.of()));
        assertTrue(e.getMessage().contains("%(nowhere)s refers to no option"), e.getMessage());

        Path dup = write("dup.conf", "[Definition]\nfailregex = ^a <HOST>$\nfailregex = ^b <HOST>$\n");
        e = assertThrows(FilterFileException.class, () -> Fail2banFilterLoader.load(dup, Map.of()));
        assertTrue(e.getMessage().startsWith(dup + ":3: option 'failregex' appears twice"), e.getMessage());

        assertThrows(NoSuchFileException.class, () -> Fail2banFilterLoader.load(dir.resolve("nope.conf"), Map.of()));
    }

    /** A pattern that backtracks exponentially gives up on a crafted line instead of hanging. */
    @Test
    void catastrophicBacktrackingIsBounded() throws IOException {
        Path conf = write("redos.conf", "[Definition]\nfailregex = ^(a+)+ from <HOST>$\n");
        LineFilter f = Fail2banFilterLoader.load(conf, Map.of());
        String evil = "a".repeat(5000) + " from 192.0.2.1!";
        long t0 = System.nanoTime();
        assertNull(match(f, evil));
        System.out.printf("crafted 5 kB line against ^(a+)+: gave up after %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        assertEquals("192.0.2.1", match(f, "aaa from 192.0.2.1").ip().toString());
        assertNull(match(f, "a".repeat(Fail2banFilter.MAX_LINE) + " from 192.0.2.1"), "over-long lines are not matched");
    }

    /** Every Debian filter either loads or fails with a message that names its file. */
    @Test
    void debianFiltersLoadOrNameTheirFile() throws IOException {
        Path filterD = Path.of("/etc/fail2ban/filter.d");
        assumeTrue(Files.isDirectory(filterD), "fail2ban is not installed: skipping the filter.d survey");
        List<String> loaded = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try (Stream<Path> s = Files.list(filterD)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".conf")).sorted().toList()) {
                try {
                    Fail2banFilterLoader.load(p, Map.of());
                    loaded.add(p.getFileName().toString());
                } catch (FilterFileException e) {
                    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
                    refused.add(e.getMessage());
                }
            }
        }
        System.out.println("filter.d: " + loaded.size() + " loaded; refused:");
        refused.forEach(r -> System.out.println("  " + r.substring(0, Math.min(160, r.length()))));
        assertTrue(loaded.containsAll(List.of("freeswitch.conf", "asterisk.conf", "nginx-http-auth.conf",
                "postfix.conf", "dovecot.conf", "apache-auth.conf", "recidive.conf")), loaded.toString());
    }
}

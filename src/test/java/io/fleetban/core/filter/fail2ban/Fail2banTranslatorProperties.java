package io.fleetban.core.filter.fail2ban;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.filter.Failure;
import io.fleetban.core.filter.LineFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The filter.d translator against random failregex made of the constructs fail2ban files use and
 * the ones that hurt (nested quantifiers, unbalanced groups, unknown tags and interpolations):
 * a file either loads or is refused with its path and line named; a loaded filter answers every
 * line, hostile ones included, with a failure or nothing, and a failure's address is one the
 * line really carries where the pattern put {@code <HOST>}.
 */
class Fail2banTranslatorProperties {

    private static final List<String> FRAGMENTS = List.of(
            "^", "$", " from ", "<HOST>", "<ADDR>", "<F-USER>\\S+</F-USER>", "(a+)+", "(.*)*", "(\\w+\\s?)*", ".*",
            "\\s+", "\\S*", "[", "]", "(", ")", "(?:", "(?P<name>x)", "(?P=name)", "%(known)s", "%(unknown)s",
            "<HOST", "\\", "{2,}", "x{1,100000}", "[^\\]]*", "user", "SIP auth failure", "|", "?", "+", "*");

    @Provide
    Arbitrary<String> failregex() {
        return Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> crafted = Arbitraries.of("a", "ab", " ", "x", "user ", "\\").flatMap(
                unit -> Arbitraries.integers().between(1, 3000).map(unit::repeat));
        Arbitrary<String> ip = Arbitraries.of("192.0.2.1", "2001:db8::7", "999.1.1.1", "::");
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(400),
                crafted.flatMap(c -> ip.map(a -> c + " from " + a)),
                ip.map(a -> "SIP auth failure user from " + a));
    }

    @Property(tries = 1500)
    void aFileLoadsOrIsRefusedNamingItsLineAndLoadedFiltersAnswerEveryLine(@ForAll("failregex") String regex,
            @ForAll("lines") String line) throws IOException {
        Path dir = Files.createTempDirectory("fbt-f2b");
        Path conf = dir.resolve("random.conf");
        Files.writeString(conf, "[Definition]\nknown = a+\nfailregex = " + regex + "\n");
        try {
            LineFilter f;
            try {
                f = Fail2banFilterLoader.load(conf, Map.of());
            } catch (FilterFileException e) {
                assertTrue(e.getMessage().startsWith(conf + ":"), () -> "names the file: " + e.getMessage());
                return;
            }
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            Failure failure = f.match(b, 0, b.length);
            if (failure != null) {
                String ip = failure.ip().toString();
                assertTrue(line.contains(ip) || line.contains(ip.toUpperCase()), () -> ip + " is not in: " + line);
            }
        } finally {
            Files.deleteIfExists(conf);
            Files.deleteIfExists(dir);
        }
    }
}

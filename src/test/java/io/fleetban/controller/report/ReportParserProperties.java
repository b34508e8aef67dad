package io.fleetban.controller.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetban.controller.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random mutations of a valid report: the parser either accepts the report or refuses it with a
 * 4xx naming what is wrong, never with any other exception (which would be a 500).
 */
class ReportParserProperties {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:10Z");
    private static final String VALID = """
            {"node":"fs1","seq":42,"events":[{"ip":"203.0.113.9","kind":"auth-failure","count":3,\
            "first":"2026-11-25T10:00:00Z","last":"2026-11-25T10:00:02Z","sample":"one log line"},\
            {"ip":"2001:db8::9","kind":"unknown-user","count":1,\
            "first":"2026-11-25T10:00:01Z","last":"2026-11-25T10:00:01Z"}]}""";

    private final ReportParser parser = new ReportParser(10_000, Duration.ofMinutes(10));

    @Property(tries = 5000)
    void aMutatedReportIsAcceptedOrRefusedWithAReason(@ForAll("mutations") String body) {
        try {
            Report r = parser.parse(body.getBytes(StandardCharsets.UTF_8), NOW);
            assertThat(r.node()).isNotNull();
            r.events().forEach(e -> {
                assertThat(e.count()).isBetween(1, ReportParser.MAX_COUNT);
                assertThat(e.first()).isBeforeOrEqualTo(e.last());
            });
        } catch (ApiException e) {
            assertThat(e.status()).isBetween(400, 499);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverEscapeAsAnotherException(@ForAll byte[] body) {
        try {
            parser.parse(body, NOW);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
        }
    }

    @Provide
    Arbitrary<String> mutations() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, VALID.length() - 1);
        Arbitrary<String> junk = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(6),
                Arbitraries.of("\"", "{", "}", "[", "]", ",", ":", "null", "-1", "0", "1e9", "99999999999999999999",
                        "true", "\"x\"", "\"300.1.1.1\"", "\"::ffff:1.2.3.4\"", "\"2026-13-01T00:00:00Z\"",
                        "\\u0000", "\"node\":\"fs1\","));
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 8);
        return Combinators.combine(at, junk, cut, Arbitraries.integers().between(1, 4)).as((pos, text, del, times) -> {
            String s = VALID;
            for (int i = 0; i < times; i++) {
                int p = Math.min(s.length(), (pos * (i + 1)) % (s.length() + 1));
                int end = Math.min(s.length(), p + del);
                s = s.substring(0, p) + text + s.substring(end);
            }
            return s;
        });
    }
}

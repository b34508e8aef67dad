package io.fleetban.core.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetban.core.net.IpAddress;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The byte-level address parser (with its IPv4 fast path) accepts exactly what IpAddress accepts. */
class AsciiBytesProperties {

    @Provide
    Arbitrary<String> addressLike() {
        Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.integers().between(0, 300).map(String::valueOf),
                Arbitraries.of("0", "00", "01", "255", "256", "", "1a", "ff", "ffff", "::", ":", "."));
        return part.list().ofMinSize(1).ofMaxSize(9).flatMap(parts ->
                Arbitraries.of(".", ":", "::").list().ofSize(parts.size()).map(seps -> {
                    StringBuilder s = new StringBuilder(parts.get(0));
                    for (int i = 1; i < parts.size(); i++) {
                        s.append(seps.get(i)).append(parts.get(i));
                    }
                    return s.toString();
                }));
    }

    @Property
    void agreesWithIpAddress(@ForAll("addressLike") String text) {
        byte[] b = ("[" + text + "]").getBytes(StandardCharsets.ISO_8859_1);
        IpAddress expected = text.length() < 2 || text.length() > 45 ? null : IpAddress.tryParse(text, 0, text.length());
        assertEquals(expected, AsciiBytes.ip(b, 1, b.length - 1), text);
    }
}

package io.fleetban.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Every accepted address or network round-trips to one spelling; every refused string gets a
 * message; nothing else ever escapes the parsers.
 */
class IpParsingProperties {

    @Property(tries = 2000)
    void everyAddressRoundTripsAndAgreesWithTheJdk(@ForAll @Size(min = 4, max = 4) byte[] v4,
                                                   @ForAll @Size(min = 16, max = 16) byte[] v6,
                                                   @ForAll boolean six) throws Exception {
        byte[] raw = six ? v6 : v4;
        IpAddress ip = IpAddress.of(raw);
        String text = ip.toString();
        assertThat(IpAddress.parse(text)).isEqualTo(ip);
        assertThat(IpAddress.parse(text).toString()).isEqualTo(text);
        // The JDK reads literals without DNS; it must see the same address in our spelling.
        assertThat(IpAddress.of(InetAddress.getByName(text).getAddress())).isEqualTo(ip);
        assertThat(text).isEqualTo(text.toLowerCase());
    }

    @Property(tries = 2000)
    void everyNetworkRoundTrips(@ForAll @Size(min = 16, max = 16) byte[] raw, @ForAll boolean six,
                                @ForAll @IntRange(min = 0, max = 128) int prefix) {
        byte[] bytes = six ? raw : java.util.Arrays.copyOf(raw, 4);
        int len = Math.min(prefix, bytes.length * 8);
        Cidr net = Cidr.parse(IpAddress.of(Cidr.mask(bytes, len)) + "/" + len);
        assertThat(Cidr.parse(net.toString())).isEqualTo(net);
        assertThat(net.contains(net.address())).isTrue();
    }

    @Property(tries = 5000)
    void anyStringIsAnAddressOrAClearRefusal(@ForAll("addressish") String text) {
        try {
            IpAddress ip = IpAddress.parse(text);
            assertThat(IpAddress.parse(ip.toString())).isEqualTo(ip);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("not an IPv4 or IPv6 address");
        }
        try {
            Cidr c = Cidr.parse(text);
            assertThat(Cidr.parse(c.toString())).isEqualTo(c);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> addressish() {
        return Arbitraries.strings().withChars("0123456789abcdefABCDEF:./%x -").ofMinLength(0).ofMaxLength(48);
    }
}

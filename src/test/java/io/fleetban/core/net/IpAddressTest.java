package io.fleetban.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "203.0.113.9, 203.0.113.9",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8::0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
            "2001:db8:1:1:1:1:1:0, 2001:db8:1:1:1:1:1:0",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "::, ::",
            "::1, ::1",
            "::ffff:192.0.2.7, 192.0.2.7",
            "::FFFF:c000:0207, 192.0.2.7",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
            "fe80::1:2, fe80::1:2",
    })
    void normalises(String in, String out) {
        assertThat(IpAddress.parse(in).toString()).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3",
            "1.2.3.4 ", " 1.2.3.4", "example.com", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2", "1:2:", "12345::",
            "::g", "fe80::1%eth0", "1:2:3:4:5:6:7:8::", "::1.2.3.4.5", "1.2.3.4/32", "0x7f.0.0.1"})
    void refuses(String in) {
        assertThatThrownBy(() -> IpAddress.parse(in)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv4 or IPv6 address");
    }

    @Test
    void comparesV4BeforeV6AndNumerically() {
        assertThat(IpAddress.parse("10.0.0.2")).isLessThan(IpAddress.parse("10.0.0.10"));
        assertThat(IpAddress.parse("255.255.255.255")).isLessThan(IpAddress.parse("::1"));
    }
}

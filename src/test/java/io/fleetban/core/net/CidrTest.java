package io.fleetban.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesHostsAndRanges() {
        assertThat(Cidr.parse("198.51.100.0/24").toString()).isEqualTo("198.51.100.0/24");
        assertThat(Cidr.parse("198.51.100.7").isHost()).isTrue();
        assertThat(Cidr.parse("198.51.100.7/32").toString()).isEqualTo("198.51.100.7");
        assertThat(Cidr.parse("2001:DB8::/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("0.0.0.0/0").prefix()).isZero();
    }

    @Test
    void refusesHostBitsAndBadLengths() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/16")).hasMessageContaining("did you mean 10.1.0.0/16");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/+8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("not a prefix length");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::/129")).hasMessageContaining("out of range");
    }

    @Test
    void containment() {
        Cidr net = Cidr.parse("198.51.100.0/25");
        assertThat(net.contains(IpAddress.parse("198.51.100.127"))).isTrue();
        assertThat(net.contains(IpAddress.parse("198.51.100.128"))).isFalse();
        assertThat(net.contains(IpAddress.parse("::ffff:198.51.100.1"))).isTrue();
        assertThat(net.contains(IpAddress.parse("2001:db8::1"))).isFalse();
        assertThat(net.contains(Cidr.parse("198.51.100.64/26"))).isTrue();
        assertThat(Cidr.parse("198.51.100.64/26").overlaps(net)).isTrue();
        assertThat(Cidr.parse("198.51.100.128/26").overlaps(net)).isFalse();
    }

    @Test
    void ipSetAnswersByPrefix() {
        IpSet set = IpSet.of(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"), Cidr.parse("203.0.113.0/24")));
        assertThat(set.contains(IpAddress.parse("127.1.2.3"))).isTrue();
        assertThat(set.contains(IpAddress.parse("::1"))).isTrue();
        assertThat(set.contains(IpAddress.parse("::2"))).isFalse();
        assertThat(set.contains(IpAddress.parse("203.0.114.1"))).isFalse();
        assertThat(set.overlaps(Cidr.parse("203.0.0.0/16"))).isTrue();
        assertThat(set.overlaps(Cidr.parse("203.0.113.128/25"))).isTrue();
        assertThat(set.overlaps(Cidr.parse("198.51.100.0/24"))).isFalse();
        assertThat(IpSet.empty().contains(IpAddress.parse("1.2.3.4"))).isFalse();
    }
}

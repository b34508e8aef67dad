package io.fleetban.core.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.net.Cidr;
import org.junit.jupiter.api.Test;

class BanTest {

    @Test
    void acceptsHostsAndRanges() {
        assertEquals("203.0.113.9 (598s)", new Ban(Cidr.parse("203.0.113.9"), 598).toString());
        assertEquals(24, new Ban(Cidr.parse("198.51.100.0/24"), 1).target().prefix());
    }

    @Test
    void refusesAZeroOrNegativeTtl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ban(Cidr.parse("203.0.113.9"), 0));
        assertTrue(e.getMessage().contains("203.0.113.9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Ban(Cidr.parse("203.0.113.9"), -5));
    }

    @Test
    void refusesAnAbsurdTtlAndCapsWhatTheKernelGets() {
        assertThrows(IllegalArgumentException.class, () -> new Ban(Cidr.parse("203.0.113.9"), Long.MAX_VALUE));
        assertEquals(2_147_483, new Ban(Cidr.parse("203.0.113.9"), Ban.MAX_TTL_SECONDS).kernelTimeout());
        assertEquals(598, new Ban(Cidr.parse("203.0.113.9"), 598).kernelTimeout());
    }

    @Test
    void refusesABanOnEveryAddress() {
        assertThrows(IllegalArgumentException.class, () -> new Ban(Cidr.parse("0.0.0.0/0"), 60));
        assertThrows(IllegalArgumentException.class, () -> new Ban(Cidr.parse("::/0"), 60));
    }
}

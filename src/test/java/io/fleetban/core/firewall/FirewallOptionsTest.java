package io.fleetban.core.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FirewallOptionsTest {

    @Test
    void defaultsAreTheDocumentedNames() {
        FirewallOptions o = FirewallOptions.defaults();
        assertEquals(List.of(), o.ports());
        assertEquals("fleetban", o.table());
        assertEquals("banned4", o.set(false));
        assertEquals("banned6_nets", o.nets(true));
        assertEquals("fleetban4", o.ipset(false));
        assertEquals("fleetban6", o.ipset(true));
    }

    @Test
    void parsesPortsSortedWithoutDuplicates() {
        assertEquals(List.of(5060, 5061, 5080, 5081), FirewallOptions.parsePorts("5081,5060, 5061,5080,5060"));
        assertEquals(List.of(), FirewallOptions.parsePorts(""));
    }

    @Test
    void badPortsAreNamed() {
        assertEquals("'sip' is not a port number",
                assertThrows(IllegalArgumentException.class, () -> FirewallOptions.parsePorts("5060,sip")).getMessage());
        assertEquals("port 70000 is out of range 1-65535",
                assertThrows(IllegalArgumentException.class, () -> FirewallOptions.parsePorts("70000")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> FirewallOptions.parsePorts("0"));
        assertThrows(IllegalArgumentException.class, () -> FirewallOptions.parsePorts("5060,"));
        assertThrows(IllegalArgumentException.class, () -> FirewallOptions.defaults().withPorts(List.of(0)));
    }

    @Test
    void namesThatCouldInjectTextAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FirewallOptions(List.of(), "fleetban; flush ruleset", "b4", "b6", "f4", "f6"));
        assertTrue(e.getMessage().startsWith("table: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FirewallOptions(List.of(), "t", "b4", "b6", "f4 x", "f6"));
    }

    @Test
    void formatsParseByTheirApiNames() {
        assertEquals(RuleFormat.NFT, RuleFormat.parse("nft"));
        assertEquals(RuleFormat.IPTABLES, RuleFormat.parse("iptables"));
        assertEquals(RuleFormat.IPSET, RuleFormat.parse("ipset"));
        assertEquals("unknown firewall format 'NFT' (expected nft, iptables or ipset)",
                assertThrows(IllegalArgumentException.class, () -> RuleFormat.parse("NFT")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RuleFormat.parse(null));
    }
}

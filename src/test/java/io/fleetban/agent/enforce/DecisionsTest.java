package io.fleetban.agent.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.firewall.Ban;
import io.fleetban.core.net.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionsTest {

    static Decisions parse(String json) throws IOException {
        return Decisions.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheApiExample() throws IOException {
        Decisions d = parse("""
                {"cursor":123,"full":true,"bans":[{"ip":"203.0.113.9","ttl":598,"jail":"freeswitch"}],"unbans":["198.51.100.4"]}""");
        assertEquals(123, d.cursor());
        assertTrue(d.full());
        assertEquals(List.of(new Ban(Cidr.parse("203.0.113.9"), 598)), d.bans());
        assertEquals(List.of(Cidr.parse("198.51.100.4")), d.unbans());
        assertEquals(List.of(), d.rejected());
    }

    @Test
    void rangesAndIpv6AreNormalised() throws IOException {
        Decisions d = parse("""
                {"cursor":7,"full":false,"bans":[{"ip":"198.51.100.0/24","ttl":60},{"ip":"2001:DB8:0:0::1","ttl":5.2},
                 {"ip":"::ffff:192.0.2.1","ttl":9}],"unbans":["2001:db8::/32"]}""");
        assertFalse(d.full());
        assertEquals(List.of(new Ban(Cidr.parse("198.51.100.0/24"), 60), new Ban(Cidr.parse("2001:db8::1"), 6),
                new Ban(Cidr.parse("192.0.2.1"), 9)), d.bans());
        assertEquals("2001:db8::1", d.bans().get(1).target().toString());
        assertEquals(List.of(Cidr.parse("2001:db8::/32")), d.unbans());
    }

    @Test
    void invalidEntriesAreLeftOutAndNamedTheRestApplies() throws IOException {
        Decisions d = parse("""
                {"cursor":9,"bans":[
                  {"ip":"203.0.113.9; flush ruleset","ttl":600},
                  {"ip":"198.51.100.0/33","ttl":600},
                  {"ip":"10.0.0.1/8","ttl":600},
                  {"ip":"0.0.0.0/0","ttl":600},
                  {"ip":"203.0.113.10"},
                  {"ip":"203.0.113.11","ttl":0},
                  {"ip":42,"ttl":1},
                  "203.0.113.12",
                  {"ip":"203.0.113.13","ttl":"600"},
                  {"ip":"203.0.113.14","ttl":600,"extra":{"nested":[1,2]}},
                  {"ip":"203.0.113.15","ttl":123456789012345678901234567890},
                  {"ip":"203.0.113.16","ttl":1e300}
                 ],
                 "unbans":["not-an-ip", 5, "198.51.100.4", {"ip":"x"}],
                 "future":{"field":[true]}}""");
        assertEquals(List.of(new Ban(Cidr.parse("203.0.113.14"), 600)), d.bans());
        assertEquals(List.of(Cidr.parse("198.51.100.4")), d.unbans());
        List<String> r = d.rejected();
        assertEquals(14, r.size(), String.join("\n", r));
        assertTrue(r.get(0).startsWith("bans[0] 203.0.113.9; flush ruleset: not an IPv4 or IPv6 address"), r.get(0));
        assertTrue(r.get(1).startsWith("bans[1] 198.51.100.0/33: prefix length 33 is out of range"), r.get(1));
        assertTrue(r.get(2).contains("host bits set"), r.get(2));
        assertTrue(r.get(3).contains("would cover every address"), r.get(3));
        assertEquals("bans[4] 203.0.113.10: no \"ttl\"", r.get(4));
        assertTrue(r.get(5).contains("ttl must be between 1 second and 100 years, not 0"), r.get(5));
        assertEquals("bans[6]: \"ip\" is not a string", r.get(6));
        assertEquals("bans[7]: not an object: 203.0.113.12", r.get(7));
        assertEquals("bans[8] 203.0.113.13: \"ttl\" is not a number", r.get(8));
        assertEquals("bans[10] 203.0.113.15: \"ttl\" 123456789012345678901234567890 is out of range", r.get(9));
        assertTrue(r.get(10).startsWith("bans[11] 203.0.113.16: ") && r.get(10).contains("ttl must be between"), r.get(10));
        assertTrue(r.get(11).startsWith("unbans[0] not-an-ip: "), r.get(11));
        assertEquals("unbans[1]: not a string: 5", r.get(12));
        assertEquals("unbans[3]: not a string: {", r.get(13));
    }

    @Test
    void emptyListsMayBeNullOrMissing() throws IOException {
        Decisions d = parse("{\"cursor\":0,\"full\":true,\"bans\":null}");
        assertTrue(d.isEmpty());
        assertTrue(d.full());
    }

    @Test
    void anAnswerWithoutACursorOrNotJsonIsUnusableAsAWhole() {
        assertEquals("decisions: the answer has no \"cursor\"",
                assertThrows(IOException.class, () -> parse("{\"full\":true,\"bans\":[]}")).getMessage());
        assertThrows(IOException.class, () -> parse("{\"cursor\":\"12\"}"));
        assertThrows(IOException.class, () -> parse("{\"cursor\":-1}"));
        assertThrows(IOException.class, () -> parse("{\"cursor\":1,\"full\":\"yes\"}"));
        assertThrows(IOException.class, () -> parse("{\"cursor\":1,\"bans\":{}}"));
        assertThrows(IOException.class, () -> parse("[1,2]"));
        assertThrows(IOException.class, () -> parse("{\"cursor\":1,\"bans\":[{\"ip\":\"203.0.113.9\""));
        assertThrows(IOException.class, () -> parse("<html>502 Bad Gateway</html>"));
    }
}

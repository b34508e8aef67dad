package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportJsonTest {

    @Test
    void aReportHasNodeSeqSentAndEvents() {
        Event e = new Event(IpAddress.parse("::ffff:203.0.113.9"), FailureKind.AUTH_FAILURE, "a \"line\"",
                millis("2026-11-25T10:00:00Z"));
        e.count = 3;
        e.lastMillis = millis("2026-11-25T10:00:02.500Z");
        byte[] body = ReportJson.report("fs1", 42, millis("2026-11-25T10:00:03Z"), ReportJson.events(List.of(e)));
        assertEquals("{\"node\":\"fs1\",\"seq\":42,\"sent\":\"2026-11-25T10:00:03Z\",\"events\":[{\"ip\":\"203.0.113.9\","
                + "\"kind\":\"auth-failure\",\"count\":3,\"first\":\"2026-11-25T10:00:00Z\",\"last\":\"2026-11-25T10:00:02.500Z\","
                + "\"sample\":\"a \\\"line\\\"\"}]}", new String(body, StandardCharsets.UTF_8));
    }

    private static long millis(String instant) {
        return java.time.Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aSampleIsCutAtACharacterBoundaryWithin1KiB() {
        byte[] line = ("x" + "é".repeat(600)).getBytes(StandardCharsets.UTF_8); // 1201 bytes
        String s = ReportJson.sample(line, 0, line.length);
        assertEquals(1023, s.getBytes(StandardCharsets.UTF_8).length, "x and 511 whole é");
        assertTrue(s.endsWith("é"));
    }

    @Test
    void invalidBytesAndNulBecomeReplacementCharactersAndStillFit() {
        byte[] line = new byte[1500];
        java.util.Arrays.fill(line, (byte) 0xff);
        line[0] = 0;
        String s = ReportJson.sample(line, 0, line.length);
        assertTrue(s.getBytes(StandardCharsets.UTF_8).length <= 1024);
        assertTrue(s.chars().allMatch(c -> c == 0xFFFD), "only replacement characters");
    }
}

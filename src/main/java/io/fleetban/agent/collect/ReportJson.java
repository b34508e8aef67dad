package io.fleetban.agent.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of {@code POST /api/v1/reports}. The events are encoded once, when the report is
 * spooled; node, seq and the send time are put around them at each attempt, so the controller
 * can correct our clock by {@code sent} even for a report that waited in the spool.
 */
final class ReportJson {

    /** What the controller accepts for a sample (bytes of UTF-8). */
    static final int MAX_SAMPLE_BYTES = 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private ReportJson() {
    }

    static byte[] events(List<Event> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + events.size() * 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Event e : events) {
                g.writeStartObject();
                g.writeStringField("ip", e.ip.toString());
                g.writeStringField("kind", e.kind.wireName());
                g.writeNumberField("count", e.count);
                g.writeStringField("first", Instant.ofEpochMilli(e.firstMillis).toString());
                g.writeStringField("last", Instant.ofEpochMilli(e.lastMillis).toString());
                g.writeStringField("sample", e.sample);
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** {@code {"node":…,"seq":…,"sent":…,"events":[…]}}. */
    static byte[] report(String node, long seq, long sentMillis, byte[] eventsJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 + eventsJson.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("node", node);
            g.writeNumberField("seq", seq);
            g.writeStringField("sent", Instant.ofEpochMilli(sentMillis).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] head = out.toByteArray();
        byte[] tail = ",\"events\":".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length - 1 + tail.length + eventsJson.length + 1];
        System.arraycopy(head, 0, body, 0, head.length - 1); // without its '}'
        System.arraycopy(tail, 0, body, head.length - 1, tail.length);
        System.arraycopy(eventsJson, 0, body, head.length - 1 + tail.length, eventsJson.length);
        body[body.length - 1] = '}';
        return body;
    }

    /**
     * A log line as a sample: decoded as UTF-8 (invalid bytes become U+FFFD), NUL (which
     * PostgreSQL refuses in text) too, cut at a character boundary to at most
     * {@value #MAX_SAMPLE_BYTES} bytes of UTF-8.
     */
    static String sample(byte[] line, int from, int to) {
        int end = Math.min(to, from + MAX_SAMPLE_BYTES);
        while (end > from && end < to && (line[end] & 0xC0) == 0x80) {
            end--; // do not split a character
        }
        String s = new String(line, from, end - from, StandardCharsets.UTF_8).replace('\0', '\uFFFD');
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > MAX_SAMPLE_BYTES) {
                return s.substring(0, i); // replacement characters (3 bytes each) made it longer
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s;
    }
}

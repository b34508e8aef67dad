package io.fleetban.controller.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fleetban.controller.web.ApiException;
import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates a report in one streaming pass. The first invalid value rejects the whole
 * report with a 400 naming the field and index ({@code events[3].ip}), before anything is stored.
 */
public final class ReportParser {

    public static final int MAX_COUNT = 1_000_000;
    public static final int MAX_SAMPLE_BYTES = 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final int maxEvents;
    private final Duration maxSkew;

    public ReportParser(int maxEvents, Duration maxSkew) {
        this.maxEvents = maxEvents;
        this.maxSkew = maxSkew;
    }

    public Report parse(byte[] body, Instant now) {
        try (JsonParser p = JSON.createParser(body)) {
            return report(p, now, new TimeCache());
        } catch (JsonParseException e) {
            throw ApiException.badRequest(null, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest(null, "unreadable report: " + e.getMessage());
        }
    }

    private Report report(JsonParser p, Instant now, TimeCache times) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw ApiException.badRequest(null, "a report is a JSON object {\"node\":…,\"seq\":…,\"events\":[…]}");
        }
        String node = null;
        Long seq = null;
        Instant sent = null;
        List<RawEvent> raw = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "node" -> node = string(p, t, "node");
                case "seq" -> seq = integer(p, t, "seq", 0, Long.MAX_VALUE);
                case "sent" -> sent = times.instant(p, t, "sent");
                case "events" -> raw = events(p, t, times);
                default -> throw ApiException.badRequest(field, "unknown field '" + field + "'");
            }
        }
        if (p.nextToken() != null) {
            throw ApiException.badRequest(null, "trailing data after the report object");
        }
        if (node == null) {
            throw ApiException.badRequest("node", "node is required");
        }
        if (seq == null) {
            throw ApiException.badRequest("seq", "seq is required");
        }
        if (raw == null) {
            throw ApiException.badRequest("events", "events is required (an array, may be empty)");
        }
        // The agent's clock may be off: measure how far from its "sent" and shift its times onto ours.
        Duration offset = sent == null ? Duration.ZERO : Duration.between(sent, now);
        Instant latest = (sent == null ? now.plus(maxSkew) : now.plus(Duration.ofMinutes(1)));
        List<ReportEvent> events = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            events.add(raw.get(i).validate(i, offset, latest));
        }
        return new Report(node, seq, events);
    }

    private List<RawEvent> events(JsonParser p, JsonToken t, TimeCache times) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("events", "events must be an array");
        }
        List<RawEvent> out = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int i = out.size();
            if (i >= maxEvents) {
                throw ApiException.badRequest("events", "too many events: at most " + maxEvents + " per report");
            }
            if (t != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("events[" + i + "]", "each event is a JSON object");
            }
            RawEvent e = new RawEvent();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String field = "events[" + i + "]." + name;
                JsonToken v = p.nextToken();
                switch (name) {
                    case "ip" -> e.ip = string(p, v, field);
                    case "kind" -> e.kind = string(p, v, field);
                    case "count" -> e.count = integer(p, v, field, 1, MAX_COUNT);
                    case "first" -> e.first = times.instant(p, v, field);
                    case "last" -> e.last = times.instant(p, v, field);
                    case "sample" -> e.sample = v == JsonToken.VALUE_NULL ? null : string(p, v, field);
                    default -> throw ApiException.badRequest(field, "unknown field '" + name + "'");
                }
            }
            out.add(e);
        }
        return out;
    }

    private static final class RawEvent {
        String ip;
        String kind;
        Long count;
        Instant first;
        Instant last;
        String sample;

        ReportEvent validate(int i, Duration offset, Instant latest) {
            String at = "events[" + i + "].";
            IpAddress address;
            FailureKind k;
            if (ip == null) {
                throw ApiException.badRequest(at + "ip", "ip is required");
            }
            try {
                address = IpAddress.parse(ip);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(at + "ip", e.getMessage());
            }
            if (kind == null) {
                throw ApiException.badRequest(at + "kind", "kind is required (" + FailureKind.knownNames() + ")");
            }
            try {
                k = FailureKind.fromWireName(kind);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(at + "kind", e.getMessage());
            }
            if (count == null) {
                throw ApiException.badRequest(at + "count", "count is required (1 to " + MAX_COUNT + ")");
            }
            if (first == null || last == null) {
                throw ApiException.badRequest(at + (first == null ? "first" : "last"),
                        "first and last are required (ISO-8601, e.g. 2026-11-25T10:00:00Z)");
            }
            if (first.isAfter(last)) {
                throw ApiException.badRequest(at + "first", "first (" + first + ") is after last (" + last + ")");
            }
            if (last.isAfter(latest.minus(offset))) {
                throw ApiException.badRequest(at + "last", "last (" + last + ") is in the future");
            }
            if (sample != null && sample.getBytes(StandardCharsets.UTF_8).length > MAX_SAMPLE_BYTES) {
                throw ApiException.badRequest(at + "sample", "sample is longer than " + MAX_SAMPLE_BYTES + " bytes");
            }
            return new ReportEvent(address, k, count.intValue(), first.plus(offset), last.plus(offset), sample);
        }
    }

    private static String string(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        return p.getText();
    }

    private static long integer(JsonParser p, JsonToken t, String field, long min, long max) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw ApiException.badRequest(field, field + " must be an integer");
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw ApiException.badRequest(field, field + " is out of range (" + min + " to " + max + ")");
        }
        long v = p.getLongValue();
        if (v < min || v > max) {
            throw ApiException.badRequest(field, field + " is out of range (" + min + " to " + max + ")");
        }
        return v;
    }

    /** An agent stamps all events of one batch alike: per report, parse each distinct time once. */
    private static final class TimeCache {
        private String lastText;
        private Instant last;

        Instant instant(JsonParser p, JsonToken t, String field) throws IOException {
            String s = string(p, t, field);
            if (s.equals(lastText)) {
                return last;
            }
            try {
                last = OffsetDateTime.parse(s).toInstant();
                lastText = s;
                return last;
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(field, field + " is not an ISO-8601 time with offset: '"
                        + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'");
            }
        }
    }
}

package io.fleetban.controller.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/** The JSON bodies of the webhook kinds. */
enum WebhookFormat {
    /** Fleetban's own JSON: every field of every ban. */
    GENERIC,
    /** Slack incoming webhooks (and Mattermost, Rocket.Chat): {"text": …}. */
    SLACK,
    /** A Matrix room message (m.notice), PUT to the client-server API's send endpoint. */
    MATRIX;

    /** Bans listed in a generic digest; the rest are counted in "omitted". */
    static final int GENERIC_LIMIT = 1000;

    static WebhookFormat parse(String s, String key) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ": unknown webhook format '" + s + "' (generic, slack, matrix)", e);
        }
    }

    ObjectNode body(Message m, ObjectMapper json, Duration window, int threshold) {
        return switch (this) {
            case GENERIC -> generic(m, json);
            case SLACK -> {
                ObjectNode o = json.createObjectNode();
                o.put("text", "*" + NoticeText.subject(m, window) + "*\n```\n" + NoticeText.body(m, window, threshold)
                        + "```");
                yield o;
            }
            case MATRIX -> {
                ObjectNode o = json.createObjectNode();
                String subject = NoticeText.subject(m, window);
                String body = NoticeText.body(m, window, threshold);
                o.put("msgtype", "m.notice");
                o.put("body", subject + "\n\n" + body);
                o.put("format", "org.matrix.custom.html");
                o.put("formatted_body", "<strong>" + html(subject) + "</strong><pre>" + html(body) + "</pre>");
                yield o;
            }
        };
    }

    private static ObjectNode generic(Message m, ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("id", m.id());
        o.put("type", m.digest() ? "digest" : "ban");
        o.put("sent", m.at().toString());
        o.put("count", m.total());
        ArrayNode bans = o.putArray("bans");
        int listed = 0;
        for (BanNotice b : m.bans()) {
            if (listed++ == GENERIC_LIMIT) {
                break;
            }
            ObjectNode n = bans.addObject();
            n.put("ip", b.ip());
            n.put("jail", b.jail());
            n.put("origin", b.origin());
            n.put("reason", b.reason());
            n.put("failures", b.failures());
            n.put("ban_count", b.banCount());
            n.put("created", b.created().toString());
            n.put("expires", b.expires().toString());
            n.put("created_by", b.createdBy());
            n.put("reverse_dns", b.reverseDns());
            n.set("nodes", json.valueToTree(b.nodes()));
            n.set("samples", json.valueToTree(b.samples()));
        }
        o.put("omitted", m.total() - bans.size());
        return o;
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

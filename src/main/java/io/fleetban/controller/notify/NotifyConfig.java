package io.fleetban.controller.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code fleetban.notify.*}: ban notifications by email and webhooks. Everything is off until a
 * channel is configured; the SMTP server itself is Quarkus' {@code quarkus.mailer.*}.
 */
@ConfigMapping(prefix = "fleetban.notify")
public interface NotifyConfig {

    /** More bans than this within {@link #digestWindow()} are sent as one digest, not one message each. */
    @WithDefault("5")
    int digestThreshold();

    /** The digest window (a duration like 1m). */
    @WithDefault("1m")
    String digestWindow();

    /** Bans waiting to be notified; past this they are only counted (ingestion never waits for us). */
    @WithDefault("10000")
    int queueSize();

    /** Look up the banned address's reverse DNS name for single-ban messages (at most 2 s). */
    @WithDefault("true")
    boolean reverseDns();

    Email email();

    /** Webhooks by a name of your choice: {@code fleetban.notify.webhooks.ops.url=…}. */
    Map<String, Webhook> webhooks();

    interface Email {
        @WithDefault("false")
        boolean enabled();

        /** Recipients (comma-separated); required when enabled. */
        Optional<List<String>> to();

        /** Sender; defaults to quarkus.mailer.from. */
        Optional<String> from();

        @WithDefault("[Fleetban]")
        String subjectPrefix();

        @WithDefault("5")
        int maxAttempts();

        /** First wait before a retry; doubled each time. */
        @WithDefault("5s")
        String backoff();
    }

    interface Webhook {
        /** http(s) URL; for Matrix the room's send endpoint, .../rooms/ROOM/send/m.room.message. */
        String url();

        /** generic (Fleetban's JSON), slack (incoming webhook) or matrix (client-server API). */
        @WithDefault("generic")
        String format();

        @WithDefault("true")
        boolean enabled();

        /** Signs each request: X-Fleetban-Signature: sha256=HMAC-SHA256(secret, timestamp + "." + body). */
        Optional<String> secret();

        /** Matrix access token, sent as Authorization: Bearer. */
        Optional<String> token();

        @WithDefault("6")
        int maxAttempts();

        /** First wait before a retry; doubled each time (a Retry-After from the receiver wins). */
        @WithDefault("1s")
        String backoff();

        @WithDefault("10s")
        String timeout();
    }
}

package io.fleetban.controller.notify;

import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.eventually;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Ban notifications against real receivers on loopback: GreenMail for SMTP, an HTTP server for
 * the webhooks. Digest threshold 3 within 3 s, so a flood is quick to make.
 */
@QuarkusTest
@TestProfile(NotificationsTest.Receivers.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationsTest {

    public static class Receivers implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NotifyReceivers.class));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void aBanIsMailedLikeSendmailWhois() throws Exception {
        Api.Node n = Api.node("mail");
        String attacker = ip();
        n.report(List.of(event(attacker, "auth-failure", 7), event(attacker, "unknown-user", 5))).then()
                .statusCode(200).body("banned", hasItem(attacker));

        MimeMessage mail = eventually(() -> mails(attacker).stream().findFirst().orElse(null));
        assertThat(mail.getSubject()).isEqualTo("[Fleetban] freeswitch: banned " + attacker + " after 12 attempts");
        assertThat(mail.getFrom()[0].toString()).contains("fleetban@ops.example");
        assertThat(Arrays.stream(mail.getRecipients(RecipientType.TO)).map(Object::toString))
                .containsExactlyInAnyOrder("noc@ops.example", "oncall@ops.example");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("The IP " + attacker + " has just been banned by Fleetban after 12 attempts against jail freeswitch")
                .contains("Reverse DNS:")
                .contains("Reason:       12 failures in 10m (maxretry 10)")
                .contains("Seen by:      " + n.name() + " (")
                .contains("auth-failure 7").contains("unknown-user 5")
                .contains("Lines containing IP " + attacker + ":")
                .contains("sofia_reg.c:1720 auth-failure from ip " + attacker);
        assertThat(mail.getHeader("X-Fleetban-Message")).hasSize(1);
    }

    @Test
    @Order(2)
    void webhooksAreSignedAndRetriedUntilTheyArrive() throws Exception {
        Api.Node n = Api.node("hook");
        String attacker = ip();
        n.report(List.of(event(attacker, "auth-failure", 10))).then().body("banned", hasItem(attacker));

        // The generic receiver refuses the first two attempts of each delivery with 503.
        List<NotifyReceivers.Hook> attempts = eventually(() -> {
            List<NotifyReceivers.Hook> mine = hooks("/generic", attacker);
            return mine.size() > NotifyReceivers.FAILED_ATTEMPTS ? mine : null;
        });
        assertThat(attempts).hasSize(NotifyReceivers.FAILED_ATTEMPTS + 1);
        assertThat(attempts).extracting(h -> h.header(WebhookChannel.DELIVERY_HEADER)).containsOnly(
                attempts.get(0).header(WebhookChannel.DELIVERY_HEADER));
        for (NotifyReceivers.Hook h : attempts) {
            String timestamp = h.header(Signature.TIMESTAMP_HEADER);
            assertThat(h.header(Signature.HEADER)).isEqualTo(Signature.sign(NotifyReceivers.SECRET, timestamp, h.body()))
                    .startsWith("sha256=");
            assertThat(h.method()).isEqualTo("POST");
        }
        JsonNode generic = JSON.readTree(attempts.get(0).body());
        assertThat(generic.get("type").asText()).isEqualTo("ban");
        JsonNode ban = generic.get("bans").get(0);
        assertThat(ban.get("ip").asText()).isEqualTo(attacker);
        assertThat(ban.get("jail").asText()).isEqualTo("freeswitch");
        assertThat(ban.get("failures").asInt()).isEqualTo(10);
        assertThat(ban.get("nodes").get(n.name()).get("auth-failure").asLong()).isEqualTo(10);
        assertThat(ban.get("samples").get(0).asText()).contains("from ip " + attacker);

        NotifyReceivers.Hook slack = eventually(() -> hooks("/slack", attacker).stream().findFirst().orElse(null));
        assertThat(JSON.readTree(slack.body()).get("text").asText()).contains("banned " + attacker);
        assertThat(slack.header(Signature.HEADER)).isNull(); // no secret configured for it

        NotifyReceivers.Hook matrix = eventually(() -> hooks("/matrix", attacker).stream().findFirst().orElse(null));
        assertThat(matrix.method()).isEqualTo("PUT");
        assertThat(matrix.path()).startsWith("/matrix/_matrix/client/v3/rooms/!ops:example/send/m.room.message/")
                .endsWith(matrix.header(WebhookChannel.DELIVERY_HEADER));
        assertThat(matrix.header("Authorization")).isEqualTo("Bearer " + NotifyReceivers.MATRIX_TOKEN);
        JsonNode m = JSON.readTree(matrix.body());
        assertThat(m.get("msgtype").asText()).isEqualTo("m.notice");
        assertThat(m.get("formatted_body").asText()).contains(attacker).doesNotContain("<script");
    }

    @Test
    @Order(3)
    void aStuckReceiverDelaysNeitherReportsNorOtherChannels() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        NotifyReceivers.stuck = hold;
        try {
            Api.Node n = Api.node("stuck");
            String first = ip();
            n.report(List.of(event(first, "auth-failure", 10))).then().body("banned", hasItem(first));
            eventually(() -> NotifyReceivers.STUCK_WAITING.get() > 0 ? true : null);

            // The stuck webhook holds a request open; reports still come back, and mail still goes out.
            String second = ip();
            n.report(List.of(event(second, "auth-failure", 10))).then().statusCode(200).body("banned", hasItem(second));
            assertThat(NotifyReceivers.STUCK_WAITING.get()).isPositive();
            eventually(() -> mails(second).isEmpty() ? null : true);
        } finally {
            hold.countDown();
        }
    }

    @Test
    @Order(4)
    void aFloodComesAsOneDigest() throws Exception {
        Thread.sleep(3500); // let the digest window of the earlier bans pass: this flood starts afresh
        Api.Node n = Api.node("flood");
        List<String> ips = new ArrayList<>();
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String a = ip();
            ips.add(a);
            events.add(event(a, "auth-failure", 10));
        }
        n.report(events).then().statusCode(200);

        MimeMessage digest = eventually(() -> ips.stream().flatMap(a -> mails(a).stream())
                .filter(m -> subject(m).contains("digest")).findFirst().orElse(null));
        assertThat(subject(digest)).isEqualTo("[Fleetban] 5 bans within 3s (digest)");
        String body = GreenMailUtil.getBody(digest);
        assertThat(body).contains("more than 3, so they come in one message");
        List<String> digested = ips.stream().filter(a -> mentions(body, a)).toList();
        assertThat(digested).hasSize(5);
        for (String a : ips) {
            // Every ban is in exactly one mail: its own (the first three) or the digest.
            List<MimeMessage> about = mails(a);
            assertThat(about).as("mails about " + a).hasSize(1);
            assertThat(subject(about.get(0)).contains("digest")).isEqualTo(digested.contains(a));
        }

        JsonNode generic = JSON.readTree(eventually(() -> hooks("/generic", digested.get(0)).stream()
                .filter(h -> h.text().contains("\"digest\"")).findFirst().orElse(null)).body());
        assertThat(generic.get("count").asInt()).isEqualTo(5);
        assertThat(generic.get("bans")).hasSize(5);
    }

    /** The mails that mention this ip, one per message (each recipient gets a copy). */
    private static List<MimeMessage> mails(String ip) {
        Map<String, MimeMessage> byId = new java.util.LinkedHashMap<>();
        for (MimeMessage m : NotifyReceivers.smtp.getReceivedMessages()) {
            try {
                String[] id = m.getHeader("X-Fleetban-Message");
                if (id != null && mentions(GreenMailUtil.getBody(m), ip)) {
                    byId.putIfAbsent(id[0], m);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<NotifyReceivers.Hook> hooks(String prefix, String ip) {
        return NotifyReceivers.HOOKS.stream().filter(h -> h.path().startsWith(prefix) && mentions(h.text(), ip)).toList();
    }

    private static boolean mentions(String text, String ip) {
        return java.util.regex.Pattern.compile("(?<![0-9.])" + java.util.regex.Pattern.quote(ip) + "(?![0-9])")
                .matcher(text).find();
    }
}

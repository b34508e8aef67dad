package io.fleetban.controller.decision;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.DecoderConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GET /api/v1/decisions: snapshot, delta after a cursor, long-poll, cursor header, bad parameters. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DecisionFeedTest {

    @Test
    void snapshotThenDeltaThenUnban() {
        Api.Node n = Api.node("feed");
        String attacker = ip();
        n.report(List.of(event(attacker, "auth-failure", 10))).then().statusCode(200);

        Response snap = n.decisions(0, 0);
        snap.then().statusCode(200).body("full", equalTo(true));
        long cursor = snap.jsonPath().getLong("cursor");
        assertThat(snap.header("X-Fleetban-Cursor")).isEqualTo(Long.toString(cursor));
        Map<String, Object> ban = snap.jsonPath().<Map<String, Object>>getList("bans").stream()
                .filter(b -> attacker.equals(b.get("ip"))).findFirst().orElseThrow();
        assertThat(ban.get("jail")).isEqualTo("freeswitch");
        assertThat(((Number) ban.get("ttl")).longValue()).isBetween(590L, 600L);

        admin().delete("/api/v1/bans/" + attacker).then().statusCode(200);
        JsonPath delta = n.decisions(cursor, 10).jsonPath();
        assertThat(delta.getBoolean("full")).isFalse();
        assertThat(delta.getList("unbans")).containsExactly(attacker);
        assertThat(delta.getList("bans")).isEmpty();
        assertThat(delta.getLong("cursor")).isGreaterThan(cursor);
    }

    @Test
    void aLongPollWakesOnABanAndTimesOutWithoutOne() throws Exception {
        Api.Node n = Api.node("poll");
        long cursor = n.decisions(0, 0).jsonPath().getLong("cursor");

        long t0 = System.nanoTime();
        JsonPath idle = n.decisions(cursor, 1).jsonPath();
        long idleMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(idle.getLong("cursor")).isEqualTo(cursor);
        assertThat(idle.getList("bans")).isEmpty();
        assertThat(idleMs).isGreaterThanOrEqualTo(900); // it did wait

        String attacker = ip();
        CompletableFuture<String> poll = CompletableFuture.supplyAsync(() -> n.decisions(cursor, 30).asString());
        Thread.sleep(300);
        long banned = System.nanoTime();
        admin().body(Map.of("ip", attacker, "duration", "10m")).post("/api/v1/bans").then().statusCode(201);
        String body = poll.get(10, TimeUnit.SECONDS);
        System.out.println(body);
        JsonPath woke = new JsonPath(body);
        System.out.printf("long-poll woke %d ms after the ban request began%n", (System.nanoTime() - banned) / 1_000_000);
        assertThat(woke.getList("bans.ip")).contains(attacker);
        assertThat(woke.getBoolean("full")).isFalse();
    }

    @Test
    void anExpiredBanBecomesAnUnbanEvent() {
        Api.Node n = Api.node("expiry");
        String ip = ip();
        admin().body(Map.of("ip", ip, "duration", "2s")).post("/api/v1/bans").then().statusCode(201);
        long cursor = n.decisions(0, 0).jsonPath().getLong("cursor");
        JsonPath delta = n.decisions(cursor, 10).jsonPath(); // the expiry job runs every second
        assertThat(delta.getList("unbans")).contains(ip);
        assertThat(Api.activeBans()).doesNotContain(ip);
    }

    @Test
    void aSnapshotIsGzippedForClientsThatAskAndPlainForTheOthers() {
        Api.Node n = Api.node("gzip");
        Api.agent(n.token()).header("Accept-Encoding", "gzip").get("/api/v1/decisions").then().statusCode(200)
                .header("Content-Encoding", "gzip").body("full", equalTo(true));
        // Rest Assured asks for gzip by default; without its decoders it sends no Accept-Encoding.
        Api.agent(n.token()).config(RestAssured.config().decoderConfig(DecoderConfig.decoderConfig().noContentDecoders()))
                .get("/api/v1/decisions").then().statusCode(200)
                .header("Content-Encoding", nullValue()).body("full", equalTo(true));
    }

    @Test
    void aCursorFromTheFutureGetsAFullSnapshot() {
        Api.Node n = Api.node("future");
        n.decisions(Long.MAX_VALUE / 2, 0).then().statusCode(200).body("full", equalTo(true));
    }

    @Test
    void badParametersAreNamed() {
        Api.Node n = Api.node("params");
        Api.agent(n.token()).queryParam("since", "-1").get("/api/v1/decisions").then().statusCode(400)
                .body("field", equalTo("since"));
        Api.agent(n.token()).queryParam("wait", "61").get("/api/v1/decisions").then().statusCode(400)
                .body("field", equalTo("wait"));
        Api.agent(n.token()).queryParam("wait", "soon").get("/api/v1/decisions").then().statusCode(400)
                .body("field", equalTo("wait"));
        Api.agent(n.token()).queryParam("format", "pf").get("/api/v1/decisions").then().statusCode(400)
                .body("field", equalTo("format"));
    }

    @Test
    void aManualRangeBanArrivesAsARange() {
        Api.Node n = Api.node("range");
        admin().body(Map.of("ip", "198.51.100.0/24", "duration", "5m", "reason", "scanner net"))
                .post("/api/v1/bans").then().statusCode(201).body("ip", equalTo("198.51.100.0/24"));
        assertThat(n.decisions(0, 0).jsonPath().getList("bans.ip")).contains("198.51.100.0/24");
        admin().delete("/api/v1/bans/198.51.100.0%2F24").then().statusCode(200);
    }
}

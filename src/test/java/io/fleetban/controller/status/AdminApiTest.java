package io.fleetban.controller.status;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status in fail2ban-client's words, nodes, jails, manual bans and allowlist through the admin API. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AdminApiTest {

    @Test
    void statusSpeaksFail2banClient() {
        Api.Node n = Api.node("status");
        String attacker = ip();
        String suspect = ip();
        n.report(List.of(event(attacker, "auth-failure", 10), event(suspect, "unknown-user", 2)))
                .then().statusCode(200);

        JsonPath s = admin().get("/api/v1/status").then().statusCode(200).extract().jsonPath();
        assertThat(s.getList("jail_list")).contains("freeswitch", "freeswitch-dos");
        assertThat(s.getInt("number_of_jail")).isGreaterThanOrEqualTo(2);
        Map<String, Object> fs = s.getMap("jails.freeswitch");
        assertThat(fs).containsKeys("currently_failed", "total_failed", "currently_banned", "total_banned",
                "banned_ips");
        assertThat(s.getList("jails.freeswitch.banned_ips")).contains(attacker).doesNotContain(suspect);
        assertThat(s.getLong("jails.freeswitch.total_failed")).isGreaterThanOrEqualTo(12);
        assertThat(s.getLong("jails.freeswitch.currently_failed")).isGreaterThanOrEqualTo(1);

        admin().get("/api/v1/status/freeswitch-dos").then().statusCode(200).body("jail", equalTo("freeswitch-dos"));
        admin().get("/api/v1/status/nope").then().statusCode(404);
    }

    @Test
    void nodesShowLastReportPollAndLag() {
        Api.Node n = Api.node("lag");
        n.report(List.of()).then().statusCode(200);
        n.decisions(0, 0).then().statusCode(200);
        JsonPath nodes = admin().get("/api/v1/nodes").then().statusCode(200).extract().jsonPath();
        Map<String, Object> me = nodes.<Map<String, Object>>getList("nodes").stream()
                .filter(m -> n.name().equals(m.get("name"))).findFirst().orElseThrow();
        assertThat(me.get("last_report")).isNotNull();
        assertThat(me.get("last_poll")).isNotNull();
        assertThat(me).containsKeys("cursor", "cursor_lag", "created");
    }

    @Test
    void manualBansAreValidated() {
        admin().body(Map.of("ip", "10.0.0.0/8", "duration", "1h")).post("/api/v1/bans").then().statusCode(400)
                .body("field", equalTo("ip")).body("error", containsString("/16"));
        admin().body(Map.of("ip", "2001:db8::/32", "duration", "1h")).post("/api/v1/bans").then().statusCode(400)
                .body("field", equalTo("ip")).body("error", containsString("/48"));
        admin().body(Map.of("ip", "10.1.2.3/16")).post("/api/v1/bans").then().statusCode(400)
                .body("error", containsString("host bits"));
        admin().body(Map.of("ip", "198.51.100.9", "duration", "forever")).post("/api/v1/bans").then()
                .statusCode(400).body("field", equalTo("duration"));
        admin().body(Map.of("ip", "127.0.0.5", "duration", "1h")).post("/api/v1/bans").then().statusCode(409)
                .body("error", containsString("allowlist"));
        admin().delete("/api/v1/bans/198.51.100.250").then().statusCode(404);
    }

    @Test
    void aManualBanCanBeExtended() {
        String ip = ip();
        admin().body(Map.of("ip", ip, "duration", "1m")).post("/api/v1/bans").then().statusCode(201);
        admin().body(Map.of("ip", ip, "duration", "2h", "reason", "persistent")).post("/api/v1/bans").then()
                .statusCode(201);
        JsonPath bans = admin().queryParam("q", ip).get("/api/v1/bans").then().extract().jsonPath();
        assertThat(bans.getList("bans")).hasSize(1);
        assertThat(bans.getLong("bans[0].ttl")).isGreaterThan(7000);
        assertThat(bans.getString("bans[0].reason")).isEqualTo("persistent");
        admin().delete("/api/v1/bans/" + ip).then().statusCode(200);
    }

    @Test
    void jailsReadAndValidate() {
        admin().get("/api/v1/jails/freeswitch").then().statusCode(200)
                .body("kinds", hasItems("auth-failure", "unknown-user")).body("findtime", equalTo(600));
        admin().get("/api/v1/jails").then().statusCode(200).body("jails.name", hasItem("freeswitch-dos"));
        admin().body(Map.of("maxretry", 0)).put("/api/v1/jails/freeswitch").then().statusCode(400)
                .body("field", equalTo("maxretry"));
        admin().body(Map.of("findtime", "soon")).put("/api/v1/jails/freeswitch").then().statusCode(400)
                .body("field", equalTo("findtime"));
        admin().body(Map.of("kinds", List.of("brute"))).put("/api/v1/jails/freeswitch").then().statusCode(400)
                .body("field", equalTo("kinds"));
        admin().body(Map.of("maxtry", 3)).put("/api/v1/jails/freeswitch").then().statusCode(400)
                .body("field", equalTo("maxtry"));
        admin().body(Map.of("maxretry", 3)).put("/api/v1/jails/new-jail").then().statusCode(400)
                .body("field", equalTo("kinds"));
        admin().get("/api/v1/jails/freeswitch").then().body("maxretry", equalTo(10));
        admin().get("/api/v1/jails/nope").then().statusCode(404);
    }

    @Test
    void allowlistTakesIpsCidrsAndNames() {
        admin().body(Map.of("value", "localhost", "note", "name")).post("/api/v1/allowlist").then().statusCode(201)
                .body("kind", equalTo("dns")).body("resolved", hasItem("127.0.0.1"));
        admin().body(Map.of("value", "2001:DB8:1::/48")).post("/api/v1/allowlist").then().statusCode(201)
                .body("value", equalTo("2001:db8:1::/48"));
        admin().body(Map.of("value", "2001:db8:1::/48")).post("/api/v1/allowlist").then().statusCode(409);
        admin().body(Map.of("value", "300.1.1.1")).post("/api/v1/allowlist").then().statusCode(400)
                .body("field", equalTo("value"));
        admin().body(Map.of("value", "no such name.example")).post("/api/v1/allowlist").then().statusCode(400);
        admin().get("/api/v1/allowlist").then().statusCode(200)
                .body("allowlist.value", hasItems("127.0.0.0/8", "::1", "localhost"));
        admin().delete("/api/v1/allowlist/2001:db8:1::%2F48").then().statusCode(200);
        admin().delete("/api/v1/allowlist/localhost").then().statusCode(200);
        admin().delete("/api/v1/allowlist/localhost").then().statusCode(404);
    }
}

package io.fleetban.controller.ban;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How failures become bans, on a real PostgreSQL: counting across nodes, findtime, jails, allowlist. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BanDecisionTest {

    @Test
    void failuresFromTwoNodesInsideFindtimeAddUpToABan() {
        Api.Node a = Api.node("a");
        Api.Node b = Api.node("b");
        String attacker = ip();

        a.report(List.of(event(attacker, "auth-failure", 9))).then().statusCode(200)
                .body("accepted", equalTo(1)).body("duplicate", equalTo(false)).body("banned", empty());
        b.report(List.of(event(attacker, "unknown-user", 1))).then().statusCode(200)
                .body("banned", contains(attacker));

        JsonPath ban = admin().queryParam("q", attacker).get("/api/v1/bans").then().statusCode(200)
                .extract().jsonPath();
        assertThat(ban.getList("bans.ip")).containsExactly(attacker);
        assertThat(ban.getString("bans[0].jail")).isEqualTo("freeswitch");
        assertThat(ban.getLong("bans[0].ttl")).isBetween(590L, 600L);
        assertThat(ban.getMap("bans[0].evidence.nodes")).containsKeys(a.name(), b.name());
    }

    @Test
    void theSameSpreadOutsideFindtimeDoesNotBan() {
        Api.Node a = Api.node("a");
        Api.Node b = Api.node("b");
        String attacker = ip();

        a.report(List.of(event(attacker, "auth-failure", 9, Instant.now().minus(Duration.ofMinutes(11)))))
                .then().statusCode(200);
        b.report(List.of(event(attacker, "auth-failure", 1))).then().statusCode(200).body("banned", empty());

        assertThat(Api.activeBans()).doesNotContain(attacker);
    }

    @Test
    void dosJailBansAtFiftyChallengesNotFortyNine() {
        Api.Node n = Api.node("dos");
        String flooder = ip();

        n.report(List.of(event(flooder, "auth-challenge", 49))).then().statusCode(200).body("banned", empty());
        n.report(List.of(event(flooder, "auth-challenge", 1))).then().statusCode(200)
                .body("banned", contains(flooder));

        JsonPath ban = admin().queryParam("q", flooder).get("/api/v1/bans").then().extract().jsonPath();
        assertThat(ban.getString("bans[0].jail")).isEqualTo("freeswitch-dos");
        assertThat(ban.getLong("bans[0].ttl")).isBetween(5990L, 6000L);
    }

    @Test
    void challengesDoNotCountTowardsTheAuthJail() {
        Api.Node n = Api.node("mix");
        String phone = ip();

        n.report(List.of(event(phone, "auth-challenge", 20), event(phone, "auth-failure", 5)))
                .then().statusCode(200).body("banned", empty());
    }

    @Test
    void theSameSeqTwiceCountsOnce() {
        Api.Node n = Api.node("dup");
        String attacker = ip();

        n.report(7, List.of(event(attacker, "auth-failure", 6))).then().statusCode(200)
                .body("duplicate", equalTo(false));
        n.report(7, List.of(event(attacker, "auth-failure", 6))).then().statusCode(200)
                .body("duplicate", equalTo(true)).body("accepted", equalTo(0)).body("banned", empty());

        assertThat(Api.activeBans()).doesNotContain(attacker);
        n.report(8, List.of(event(attacker, "auth-failure", 4))).then().statusCode(200)
                .body("banned", contains(attacker));
    }

    @Test
    void anAllowlistedRangeIsCountedButNeverBanned() {
        Api.Node n = Api.node("office");
        admin().body(Map.of("value", "203.0.113.0/24", "note", "office")).post("/api/v1/allowlist")
                .then().statusCode(201).body("kind", equalTo("cidr"));

        n.report(List.of(event("203.0.113.77", "auth-failure", 50))).then().statusCode(200)
                .body("banned", empty());
        assertThat(Api.activeBans()).doesNotContain("203.0.113.77");
    }

    @Test
    void addingAnAllowlistEntryLiftsTheBanWithAnUnbanEvent() {
        Api.Node n = Api.node("lift");
        String customer = "192.0.2." + (10 + (int) (System.nanoTime() % 200));
        n.report(List.of(event(customer, "auth-failure", 10))).then().statusCode(200)
                .body("banned", contains(customer));
        long cursor = n.decisions(0, 0).then().statusCode(200).extract().jsonPath().getLong("cursor");

        admin().body(Map.of("value", customer, "note", "our customer")).post("/api/v1/allowlist")
                .then().statusCode(201).body("lifted", contains(customer));

        JsonPath delta = n.decisions(cursor, 5).then().statusCode(200).extract().jsonPath();
        assertThat(delta.getBoolean("full")).isFalse();
        assertThat(delta.getList("unbans")).containsExactly(customer);
        assertThat(Api.activeBans()).doesNotContain(customer);
        admin().delete("/api/v1/allowlist/" + customer).then().statusCode(200);
    }

    @Test
    void aJailEditAppliesToTheNextReport() {
        Api.Node n = Api.node("edit");
        String a = ip();
        admin().body(Map.of("maxretry", 3, "bantime", "1h")).put("/api/v1/jails/freeswitch").then().statusCode(200)
                .body("maxretry", equalTo(3)).body("bantime", equalTo(3600));
        try {
            n.report(List.of(event(a, "auth-failure", 3))).then().statusCode(200).body("banned", contains(a));
        } finally {
            admin().body(Map.of("maxretry", 10, "bantime", 600)).put("/api/v1/jails/freeswitch")
                    .then().statusCode(200);
        }
    }

    @Test
    void aRepeatOffendersBanGrows() {
        Api.Node n = Api.node("repeat");
        String attacker = ip();
        n.report(List.of(event(attacker, "auth-failure", 10))).then().body("banned", contains(attacker));
        admin().delete("/api/v1/bans/" + attacker).then().statusCode(200);

        n.report(List.of(event(attacker, "auth-failure", 10))).then().body("banned", contains(attacker));
        JsonPath ban = admin().queryParam("q", attacker).get("/api/v1/bans").then().extract().jsonPath();
        assertThat(ban.getInt("bans[0].ban_count")).isEqualTo(2);
        assertThat(ban.getLong("bans[0].ttl")).isBetween(1190L, 1200L);
    }
}

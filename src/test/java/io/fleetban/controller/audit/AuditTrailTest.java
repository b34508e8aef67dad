package io.fleetban.controller.audit;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every admin action that changes something leaves who, what, on what, and from where. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AuditTrailTest {

    @Test
    void adminActionsAreRecordedWithTheTokenName() {
        String target = ip();
        admin().body(Map.of("ip", target, "duration", "10m", "reason", "audit me")).post("/api/v1/bans").then()
                .statusCode(201);
        admin().delete("/api/v1/bans/" + target).then().statusCode(200);
        // A jail of its own, disabled: the other test classes share this controller and its jails.
        admin().body(Map.of("kinds", List.of("auth-failure"), "maxretry", 3, "findtime", "1m", "bantime", "1h",
                "enabled", false)).put("/api/v1/jails/audit-new").then().statusCode(200);
        admin().body(Map.of("bantime", "20m")).put("/api/v1/jails/audit-new").then().statusCode(200);
        admin().body(Map.of("value", "198.19.90.0/24", "note", "audited")).post("/api/v1/allowlist").then()
                .statusCode(201);
        admin().delete("/api/v1/allowlist/198.19.90.0%2F24").then().statusCode(200);
        Api.Node n = Api.node("audited");
        admin().post("/api/v1/nodes/" + n.name() + "/token").then().statusCode(200);
        admin().delete("/api/v1/nodes/" + n.name() + "/token").then().statusCode(200);
        admin().delete("/api/v1/nodes/" + n.name()).then().statusCode(200);
        admin().post("/api/v1/breaker/confirm").then().statusCode(200);

        JsonPath all = admin().queryParam("limit", 1000).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> entries = all.getList("entries");
        assertThat(entries).allSatisfy(e -> assertThat(e).containsKeys("id", "at", "actor", "action", "target",
                "details", "address"));
        assertThat(entry(entries, "ban", target)).containsEntry("actor", "admin").containsEntry("address", "127.0.0.1")
                .extractingByKey("details").asString().contains("audit me").contains("10m");
        assertThat(entry(entries, "unban", target)).extractingByKey("details").asString().contains("manual");
        assertThat(entry(entries, "jail.update", "audit-new")).extractingByKey("details").asString()
                .contains("20m");
        assertThat(entry(entries, "jail.create", "audit-new")).isNotNull();
        assertThat(entry(entries, "allowlist.add", "198.19.90.0/24")).extractingByKey("details").asString()
                .contains("audited");
        assertThat(entry(entries, "allowlist.remove", "198.19.90.0/24")).isNotNull();
        for (String action : List.of("node.create", "node.rotate", "node.revoke", "node.delete")) {
            assertThat(entry(entries, action, n.name())).as(action).isNotNull();
        }
        assertThat(entries).anySatisfy(e -> assertThat(e.get("action")).isEqualTo("breaker.confirm"));
        // Newest first.
        assertThat(entries.get(0).get("action")).isEqualTo("breaker.confirm");
    }

    @Test
    void theTrailIsFilteredAndPaged() {
        for (int i = 0; i < 3; i++) {
            String target = ip();
            admin().body(Map.of("ip", target, "duration", "1m")).post("/api/v1/bans").then().statusCode(201);
        }
        JsonPath page = admin().queryParam("action", "ban").queryParam("limit", 2).get("/api/v1/audit").then()
                .statusCode(200).extract().jsonPath();
        assertThat(page.getLong("total")).isGreaterThanOrEqualTo(3);
        assertThat(page.getList("entries")).hasSize(2);
        assertThat(page.getList("entries.action")).containsOnly("ban");
        JsonPath next = admin().queryParam("action", "ban").queryParam("limit", 2).queryParam("offset", 2)
                .get("/api/v1/audit").then().extract().jsonPath();
        assertThat(next.getList("entries.id")).doesNotContainAnyElementsOf(page.getList("entries.id"));

        String node = Api.node("prefix").name();
        assertThat(admin().queryParam("action", "node.").get("/api/v1/audit").then().extract().jsonPath()
                .getList("entries.target")).contains(node);
        assertThat(admin().queryParam("actor", "nobody").get("/api/v1/audit").then().extract().jsonPath()
                .getLong("total")).isZero();
        admin().queryParam("limit", 0).get("/api/v1/audit").then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void refusedActionsLeaveNoTrace() {
        long before = admin().queryParam("action", "ban").get("/api/v1/audit").then().extract().jsonPath().getLong("total");
        admin().body(Map.of("ip", "10.0.0.0/8", "duration", "1h")).post("/api/v1/bans").then().statusCode(400);
        assertThat(admin().queryParam("action", "ban").get("/api/v1/audit").then().extract().jsonPath()
                .getLong("total")).isEqualTo(before);
    }

    @Test
    void agentsMayNotReadTheTrail() {
        Api.Node n = Api.node("nosy");
        Api.agent(n.token()).get("/api/v1/audit").then().statusCode(403);
    }

    private static Map<String, Object> entry(List<Map<String, Object>> entries, String action, String target) {
        return entries.stream().filter(e -> action.equals(e.get("action")) && target.equals(e.get("target")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " of " + target + " in the trail"));
    }
}

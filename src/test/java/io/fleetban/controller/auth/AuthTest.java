package io.fleetban.controller.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 401 without or with an unknown token, 403 with the wrong role, JSON errors, tokens shown once. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AuthTest {

    @Test
    void noTokenIs401() {
        given().get("/api/v1/status").then().statusCode(401).body("field", equalTo("Authorization"))
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Basic YTpi").get("/api/v1/bans").then().statusCode(401);
    }

    @Test
    void unknownTokenIs401() {
        given().header("Authorization", "Bearer 0000").get("/api/v1/status").then().statusCode(401)
                .body("error", equalTo("unknown or revoked token"));
    }

    @Test
    void wrongRoleIs403() {
        Api.Node n = Api.node("role");
        Api.agent(n.token()).get("/api/v1/status").then().statusCode(403).body("error", containsString("admin"));
        Api.admin().get("/api/v1/decisions").then().statusCode(403).body("error", containsString("agent"));
        Api.admin().body(Map.of("node", "x", "seq", 1, "events", java.util.List.of()))
                .post("/api/v1/reports").then().statusCode(403);
    }

    @Test
    void aNodeTokenIs256RandomBitsAndNamesAreUnique() {
        String name = "uniq-" + System.nanoTime();
        Api.admin().body(Map.of("name", name)).post("/api/v1/nodes").then().statusCode(201)
                .body("name", equalTo(name)).body("token", matchesPattern("[0-9a-f]{64}"));
        Api.admin().body(Map.of("name", name)).post("/api/v1/nodes").then().statusCode(409)
                .body("field", equalTo("name"));
        Api.admin().body(Map.of("name", "bad name!")).post("/api/v1/nodes").then().statusCode(400)
                .body("field", equalTo("name"));
    }

    @Test
    void errorsAreJsonNeverHtml() {
        Api.admin().get("/api/v1/nope").then().statusCode(404).body("error", equalTo("no such resource"));
        Api.admin().body("{").post("/api/v1/bans").then().statusCode(400).body("error", containsString("JSON"));
    }
}

package io.fleetban.controller.crowdsec;

import static io.fleetban.controller.Api.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /v1/decisions/stream as API.md describes what crowdsec-firewall-bouncer relies on. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CrowdSecStreamTest {

    @Test
    void aMissingOrWrongKeyIsForbiddenInCrowdSecsWords() {
        given().get("/v1/decisions/stream").then().statusCode(403).body("message", equalTo("access forbidden"));
        given().header("X-Api-Key", "nope").get("/v1/decisions/stream").then().statusCode(403)
                .body("message", equalTo("access forbidden"));
        given().header("X-Api-Key", Api.ADMIN).get("/v1/decisions/stream").then().statusCode(403);
    }

    @Test
    void startupGivesEverythingThenOnlyChangesPerKey() {
        Api.Node bouncer = Api.node("bouncer");
        Api.Node other = Api.node("bouncer2");
        String host = "192.0.2." + (100 + (int) (System.nanoTime() % 100));
        admin().body(Map.of("ip", host, "duration", "10m")).post("/api/v1/bans").then().statusCode(201);
        admin().body(Map.of("ip", "198.51.100.128/25", "duration", "99h59m")).post("/api/v1/bans")
                .then().statusCode(201);

        JsonPath first = stream(bouncer, "true");
        assertThat(first.getList("deleted")).isNull();
        Map<String, Object> d = decision(first, host);
        assertThat(d).containsEntry("origin", "fleetban").containsEntry("type", "ban")
                .containsEntry("scope", "Ip").containsEntry("scenario", "manual");
        assertThat(d.get("id")).isInstanceOf(Integer.class);
        assertThat((String) d.get("duration")).matches("9m5\\d(\\.\\d+)?s");
        Map<String, Object> range = decision(first, "198.51.100.128/25");
        assertThat(range).containsEntry("scope", "Range");
        assertThat((String) range.get("duration")).matches("99h5[89]m\\d+(\\.\\d+)?s");

        given().header("X-Api-Key", bouncer.token()).get("/v1/decisions/stream").then().statusCode(200)
                .body("new", nullValue()).body("deleted", nullValue());

        admin().delete("/api/v1/bans/" + host).then().statusCode(200);
        JsonPath change = stream(bouncer, "false");
        assertThat(change.getList("new")).isNull();
        assertThat(change.getList("deleted.value")).containsExactly(host);

        // Another key has its own cursor: its first non-startup request gets the whole state.
        assertThat(stream(other, null).getList("new.value")).contains("198.51.100.128/25").doesNotContain(host);
        admin().delete("/api/v1/bans/198.51.100.128/25").then().statusCode(200);
    }

    @Test
    void filtersAndUnknownParameters() {
        Api.Node bouncer = Api.node("filter");
        admin().body(Map.of("ip", "198.51.100.64/26", "duration", "5m")).post("/api/v1/bans").then().statusCode(201);
        JsonPath onlyIps = given().header("X-Api-Key", bouncer.token())
                .queryParam("startup", "true").queryParam("scopes", "ip").queryParam("whatever", "x")
                .get("/v1/decisions/stream").then().statusCode(200).extract().jsonPath();
        List<String> scopes = onlyIps.getList("new.scope");
        assertThat(scopes == null ? List.of() : scopes).doesNotContain("Range");
        JsonPath notManual = given().header("X-Api-Key", bouncer.token())
                .queryParam("startup", "true").queryParam("scenarios_not_containing", "manual")
                .get("/v1/decisions/stream").then().statusCode(200).extract().jsonPath();
        List<String> scenarios = notManual.getList("new.scenario");
        assertThat(scenarios == null ? List.of() : scenarios).doesNotContain("manual");
        admin().delete("/api/v1/bans/198.51.100.64/26").then().statusCode(200);
    }

    private static JsonPath stream(Api.Node key, String startup) {
        var req = given().header("X-Api-Key", key.token());
        if (startup != null) {
            req = req.queryParam("startup", startup);
        }
        return req.get("/v1/decisions/stream").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> decision(JsonPath body, String value) {
        return body.<Map<String, Object>>getList("new").stream().filter(m -> value.equals(m.get("value")))
                .findFirst().orElseThrow(() -> new AssertionError(value + " not in " + body.prettify()));
    }
}

package io.fleetban.controller.report;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad reports are refused whole, with the field named, and leave nothing behind. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReportValidationTest {

    private Api.Node node;
    private String attacker;

    @BeforeEach
    void setUp() {
        node = Api.node("bad");
        attacker = ip();
    }

    @Test
    void malformedJson() {
        post("{\"node\":\"" + node.name() + "\",\"seq\":1,\"events\":[").statusCode(400)
                .body("error", containsString("malformed JSON"));
        post("[1,2]").statusCode(400);
        post("").statusCode(400);
        assertNothingStored();
    }

    @Test
    void badIpRejectsTheWholeReportNamingTheIndex() {
        List<Map<String, Object>> events = List.of(
                event(attacker, "auth-failure", 5), event(attacker, "auth-failure", 5),
                event("203.0.113.300", "auth-failure", 1));
        node.report(events).then().statusCode(400).body("field", equalTo("events[2].ip"))
                .body("error", containsString("203.0.113.300"));
        node.report(List.of(event("evil.example.com", "auth-failure", 1))).then().statusCode(400)
                .body("field", equalTo("events[0].ip"));
        assertNothingStored();
    }

    @Test
    void unknownKind() {
        node.report(List.of(event(attacker, "auth-failure", 9), event(attacker, "brute-force", 1)))
                .then().statusCode(400).body("field", equalTo("events[1].kind"))
                .body("error", containsString("auth-failure, unknown-user, auth-challenge"));
        assertNothingStored();
    }

    @Test
    void countOutOfRange() {
        node.report(List.of(event(attacker, "auth-failure", -1))).then().statusCode(400)
                .body("field", equalTo("events[0].count"));
        node.report(List.of(event(attacker, "auth-failure", 0))).then().statusCode(400)
                .body("field", equalTo("events[0].count"));
        node.report(List.of(event(attacker, "auth-failure", 1_000_001))).then().statusCode(400)
                .body("field", equalTo("events[0].count"));
        assertNothingStored();
    }

    @Test
    void timesMustBeOrderedAndNotInTheFuture() {
        Map<String, Object> backwards = new HashMap<>(event(attacker, "auth-failure", 10));
        backwards.put("first", Instant.now().toString());
        backwards.put("last", Instant.now().minusSeconds(60).toString());
        node.report(List.of(backwards)).then().statusCode(400).body("field", equalTo("events[0].first"));

        Map<String, Object> future = new HashMap<>(event(attacker, "auth-failure", 10));
        future.put("last", Instant.now().plusSeconds(3600).toString());
        node.report(List.of(future)).then().statusCode(400).body("field", equalTo("events[0].last"));

        Map<String, Object> garbage = new HashMap<>(event(attacker, "auth-failure", 10));
        garbage.put("first", "yesterday");
        node.report(List.of(garbage)).then().statusCode(400).body("field", equalTo("events[0].first"));
        assertNothingStored();
    }

    @Test
    void sampleAtMostOneKibibyte() {
        Map<String, Object> e = new HashMap<>(event(attacker, "auth-failure", 10));
        e.put("sample", "x".repeat(1025));
        node.report(List.of(e)).then().statusCode(400).body("field", equalTo("events[0].sample"));
        assertNothingStored();
    }

    @Test
    void tooManyEvents() {
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            events.add(event(attacker, "auth-failure", 1));
        }
        node.report(events).then().statusCode(400).body("field", equalTo("events"))
                .body("error", containsString("10000"));
        assertNothingStored();
    }

    @Test
    void oversizedBody() {
        String big = "{\"node\":\"" + node.name() + "\",\"seq\":1,\"events\":[],\"pad\":\""
                + "x".repeat(5 * 1024 * 1024) + "\"}";
        post(big).statusCode(413).body("field", equalTo("body"));
        assertNothingStored();
    }

    @Test
    void missingAndUnknownFields() {
        post("{\"seq\":1,\"events\":[]}").statusCode(400).body("field", equalTo("node"));
        post("{\"node\":\"" + node.name() + "\",\"events\":[]}").statusCode(400).body("field", equalTo("seq"));
        post("{\"node\":\"" + node.name() + "\",\"seq\":1,\"events\":[],\"color\":1}").statusCode(400)
                .body("field", equalTo("color"));
        assertNothingStored();
    }

    @Test
    void aNodeReportsOnlyForItself() {
        Api.Node other = Api.node("other");
        Api.agent(other.token())
                .body(Map.of("node", node.name(), "seq", 1, "events", List.of(event(attacker, "auth-failure", 10))))
                .post("/api/v1/reports").then().statusCode(403).body("field", equalTo("node"));
        assertNothingStored();
    }

    @Test
    void ipv6IsNormalisedAndMappedIpv4BecomesIpv4() {
        node.report(List.of(event("2001:DB8:0:0:0:0:0:7", "auth-failure", 10))).then().statusCode(200)
                .body("banned[0]", equalTo("2001:db8::7"));
        node.report(List.of(event("::ffff:192.0.2.201", "auth-failure", 10))).then().statusCode(200)
                .body("banned[0]", equalTo("192.0.2.201"));
    }

    @Test
    void aSampleKeepsTabsBreaksAndBackslashes() {
        Map<String, Object> e = new HashMap<>(event(attacker, "auth-failure", 10));
        e.put("sample", "user\tname\nsecond line \\ back\rslash\u0000nul");
        node.report(List.of(e)).then().statusCode(200).body("banned[0]", equalTo(attacker));
        String stored = admin().queryParam("q", attacker).get("/api/v1/bans").then().extract().jsonPath()
                .getString("bans[0].evidence.samples[0]");
        assertThat(stored).isEqualTo("user\tname\nsecond line \\ back\rslash\uFFFDnul");
    }

    private ValidatableResponse post(String body) {
        return Api.agent(node.token()).body(body).post("/api/v1/reports").then();
    }

    /** Nothing of the rejected reports reached the database: the node never reported, the ip is unknown. */
    private void assertNothingStored() {
        List<Map<String, Object>> nodes = admin().get("/api/v1/nodes").then().statusCode(200)
                .extract().jsonPath().getList("nodes");
        Map<String, Object> me = nodes.stream().filter(n -> node.name().equals(n.get("name"))).findFirst().orElseThrow();
        assertThat(me.get("last_report")).isNull();
        assertThat(Api.activeBans()).doesNotContain(attacker);
        // A valid report of 9 more failures must not ban: nothing of the refused ones counted.
        node.report(List.of(event(attacker, "auth-failure", 9))).then().statusCode(200)
                .body("banned.size()", equalTo(0));
    }
}

package io.fleetban.controller.report;

import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Per-node report rate and long-poll limits answer 429 with Retry-After, and count nothing they refuse. */
@QuarkusTest
@TestProfile(OverloadTest.TightLimits.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class OverloadTest {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetban.reports.per-node-rate", "2", "fleetban.feed.max-waiters-per-node", "2");
        }
    }

    @Test
    void aNodeThatReportsTooFastGets429WithRetryAfter() {
        Api.Node n = Api.node("fast");
        String attacker = ip();
        int accepted = 0;
        Response refused = null;
        for (int i = 0; i < 10; i++) {
            Response r = n.report(List.of(event(attacker, "auth-failure", 1)));
            if (r.statusCode() == 200) {
                accepted++;
            } else {
                refused = r;
            }
        }
        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.jsonPath().getString("error")).contains("reports a second");
        // Only accepted reports counted: another node's 10 - accepted failures complete the ban exactly.
        Api.Node other = Api.node("other");
        other.report(List.of(event(attacker, "auth-failure", 9 - accepted))).then().statusCode(200)
                .body("banned.size()", org.hamcrest.Matchers.equalTo(0));
        other.report(List.of(event(attacker, "auth-failure", 1))).then().statusCode(200)
                .body("banned[0]", org.hamcrest.Matchers.equalTo(attacker));
    }

    @Test
    void aNodeHoldsAtMostItsShareOfLongPolls() throws Exception {
        Api.Node n = Api.node("polls");
        long cursor = n.decisions(0, 0).jsonPath().getLong("cursor");
        List<CompletableFuture<Integer>> polls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            polls.add(CompletableFuture.supplyAsync(() -> n.decisions(cursor, 3).statusCode()));
        }
        Thread.sleep(500);
        Response third = n.decisions(cursor, 3);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.header("Retry-After")).isNotNull();
        for (CompletableFuture<Integer> p : polls) {
            assertThat(p.get()).isEqualTo(200);
        }
        assertThat(n.decisions(cursor, 1).statusCode()).isEqualTo(200);
    }
}

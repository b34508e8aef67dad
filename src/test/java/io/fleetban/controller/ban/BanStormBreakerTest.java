package io.fleetban.controller.ban;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** More automatic bans in a minute than the limit trip the breaker: bans are held until an admin confirms. */
@QuarkusTest
@TestProfile(BanStormBreakerTest.LowLimit.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class BanStormBreakerTest {

    public static class LowLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleetban.breaker.max-bans-per-minute", "3");
        }
    }

    @Test
    void aStormTripsTheBreakerUntilAnAdminConfirms() {
        Api.Node n = Api.node("storm");
        String a = ip();
        String b = ip();
        n.report(List.of(event(a, "auth-failure", 10), event(b, "auth-failure", 10))).then()
                .body("banned", hasSize(2));

        String c = ip();
        String d = ip();
        n.report(List.of(event(c, "auth-failure", 10), event(d, "auth-failure", 10))).then().statusCode(200)
                .body("banned", empty());
        admin().get("/api/v1/breaker").then().statusCode(200).body("tripped", equalTo(true)).body("held", equalTo(2));
        admin().get("/api/v1/status").then().body("breaker.tripped", equalTo(true));
        assertThat(Api.activeBans()).contains(a, b).doesNotContain(c, d);

        // Manual bans still work while the breaker holds automatic ones.
        String manual = ip();
        admin().body(Map.of("ip", manual, "duration", "5m")).post("/api/v1/bans").then().statusCode(201);

        admin().post("/api/v1/breaker/confirm").then().statusCode(200).body("tripped", equalTo(false))
                .body("confirmed_by", equalTo("admin"));
        n.report(List.of(event(c, "auth-failure", 10))).then().body("banned", equalTo(List.of(c)));
    }
}

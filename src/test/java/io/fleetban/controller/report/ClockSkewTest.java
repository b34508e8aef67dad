package io.fleetban.controller.report;

import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nodes whose clocks are five minutes off either way: a report's {@code sent} says how far, the
 * controller moves the report's times onto its own clock, and failures from a fast node and a
 * slow node add up inside findtime as if their clocks agreed.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ClockSkewTest {

    @Inject
    AgroalDataSource db;

    @Test
    void timesFromNodesFiveMinutesAheadAndBehindAreMovedOntoTheControllersClock() throws Exception {
        String attacker = ip();
        for (Duration skew : List.of(Duration.ofMinutes(5), Duration.ofMinutes(-5))) {
            Api.Node n = Api.node("skew");
            Instant theirNow = Instant.now().plus(skew);
            Api.agent(n.token())
                    .body(Map.of("node", n.name(), "seq", 1, "sent", theirNow.toString(),
                            "events", List.of(event(attacker, "auth-failure", 5, theirNow))))
                    .post("/api/v1/reports").then().statusCode(200);
        }
        assertThat(Api.activeBans()).contains(attacker);
        for (Instant last : lastTimes(attacker)) {
            assertThat(Duration.between(last, Instant.now()).abs()).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void withoutSentAFastClockIsToleratedUpToTheConfiguredSkewAndRefusedBeyond() {
        Api.Node n = Api.node("nosent");
        String ip = ip();
        n.report(List.of(event(ip, "auth-failure", 1, Instant.now().plus(Duration.ofMinutes(5))))).then().statusCode(200);
        n.report(List.of(event(ip, "auth-failure", 1, Instant.now().plus(Duration.ofMinutes(15))))).then().statusCode(400)
                .body("field", equalTo("events[0].last"));
    }

    @Test
    void aSlowNodesOldFailuresStillCountWhenSentSaysHowSlowItIs() {
        Api.Node slow = Api.node("slow");
        String ip = ip();
        Instant theirNow = Instant.now().minus(Duration.ofMinutes(5));
        Api.agent(slow.token())
                .body(Map.of("node", slow.name(), "seq", 1, "sent", theirNow.toString(),
                        "events", List.of(event(ip, "auth-failure", 10, theirNow))))
                .post("/api/v1/reports").then().statusCode(200).body("banned", hasItem(ip));
    }

    private List<Instant> lastTimes(String ip) throws Exception {
        List<Instant> out = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_at FROM offenses WHERE ip = ?::inet")) {
            ps.setString(1, ip);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getTimestamp(1).toInstant());
                }
            }
        }
        assertThat(out).hasSize(2);
        return out;
    }
}

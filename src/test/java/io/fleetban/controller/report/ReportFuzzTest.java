package io.fleetban.controller.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of randomly damaged (and some intact) reports against the running controller: each is answered 200 or a
 * 4xx naming what is wrong, never 500, and the database holds exactly what the 200s accepted.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReportFuzzTest {

    private static final String[] JUNK = {"\"", "{", "}", "[", "]", ",", ":", "null", "-1", "0", "1e9",
            "99999999999999999999", "true", "\"x\"", "\"300.1.1.1\"", "\"2026-13-01T00:00:00Z\"", "\\u0000", "\"\""};

    @Inject
    AgroalDataSource db;

    @Test
    void damagedReportsAreRefusedWholeAndNeverCrashTheController() throws SQLException {
        Api.Node node = Api.node("fuzz");
        Random random = new Random(20261125);
        long expectedFailures = 0;
        int accepted = 0;
        int refused = 0;
        for (int seq = 1; seq <= 300; seq++) {
            String body = mutate(valid(node.name(), seq), random);
            Response r = Api.agent(node.token()).body(body).post("/api/v1/reports");
            while (r.statusCode() == 429) { // a node's report rate is limited; an agent waits as told
                sleep(Long.parseLong(r.header("Retry-After")) * 1000);
                r = Api.agent(node.token()).body(body).post("/api/v1/reports");
            }
            int status = r.statusCode();
            assertThat(status).as("status for %s", body).isIn(200, 400, 403, 413);
            if (status == 200) {
                accepted++;
                if (!r.jsonPath().getBoolean("duplicate")) {
                    expectedFailures += countsIn(body);
                }
            } else {
                refused++;
                assertThat(r.jsonPath().getString("error")).as(body).isNotBlank();
            }
            assertThat(storedFailures(node.name())).as("after %s", body).isEqualTo(expectedFailures);
        }
        System.out.printf("report fuzz: 300 reports, %d accepted, %d refused, none crashed%n",
                accepted, refused);
        assertThat(refused).isPositive();
        assertThat(accepted).isPositive();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String valid(String node, int seq) {
        String now = Instant.now().toString();
        return "{\"node\":\"" + node + "\",\"seq\":" + seq + ",\"events\":[{\"ip\":\"198.18.200." + (seq % 250 + 1)
                + "\",\"kind\":\"unknown-user\",\"count\":1,\"first\":\"" + now + "\",\"last\":\"" + now
                + "\",\"sample\":\"line\"},{\"ip\":\"2001:db8:f0::" + Integer.toHexString(seq)
                + "\",\"kind\":\"auth-challenge\",\"count\":2,\"first\":\"" + now + "\",\"last\":\"" + now + "\"}]}";
    }

    private static String mutate(String s, Random random) {
        int times = random.nextInt(4); // a quarter stay intact: the fuzz must also see what is accepted
        for (int i = 0; i < times; i++) {
            int p = random.nextInt(s.length() + 1);
            int end = Math.min(s.length(), p + random.nextInt(6));
            s = s.substring(0, p) + JUNK[random.nextInt(JUNK.length)] + s.substring(end);
        }
        return s;
    }

    /** The failures a body that was accepted carried, read back the way the controller read it. */
    private static long countsIn(String body) {
        return new JsonPath(body).getList("events.count", Long.class).stream().mapToLong(Long::longValue).sum();
    }

    private long storedFailures(String node) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(count), 0) FROM offenses WHERE node = ?")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}

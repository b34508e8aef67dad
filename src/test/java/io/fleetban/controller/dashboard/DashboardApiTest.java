package io.fleetban.controller.dashboard;

import static io.fleetban.controller.Api.admin;
import static io.fleetban.controller.Api.event;
import static io.fleetban.controller.Api.eventually;
import static io.fleetban.controller.Api.ip;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.fleetban.controller.Api;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The endpoints behind the console, the console's own files, and the per-node gauges. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DashboardApiTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void overviewCountsActiveBansPerJail() throws Exception {
        Api.Node n = Api.node("overview");
        String attacker = ip();
        n.report(List.of(event(attacker, "auth-failure", 10))).then().body("banned", hasItem(attacker));
        // Counted from this replica's ban feed, which applies the new ban milliseconds after the commit.
        JsonPath o = eventually(() -> {
            JsonPath now = admin().get("/api/v1/dashboard/overview").then().statusCode(200).extract().jsonPath();
            return now.getInt("jails.find { it.name == 'freeswitch' }.active_bans") >= 1 ? now : null;
        });
        assertThat(o.getInt("active_bans")).isGreaterThanOrEqualTo(1);
        assertThat(o.getList("jails.name")).contains("freeswitch", "freeswitch-dos", "manual");
        assertThat(o.getInt("jails.find { it.name == 'freeswitch' }.active_bans")).isGreaterThanOrEqualTo(1);
        assertThat(o.getBoolean("breaker.tripped")).isFalse();
        assertThat(o.getLong("cursor")).isPositive();
    }

    @Test
    void failuresPerMinuteCountWhatNodesReported() throws Exception {
        Api.Node n = Api.node("chart");
        long before = recentFailures("auth-challenge");
        n.report(List.of(event(ip(), "auth-challenge", 7), event(ip(), "auth-challenge", 5))).then().statusCode(200);
        // Sampled every 5 s from the running totals.
        long after = eventually(() -> {
            long now = recentFailures("auth-challenge");
            return now >= before + 12 ? now : null;
        });
        assertThat(after).isGreaterThanOrEqualTo(before + 12);

        JsonPath series = admin().get("/api/v1/dashboard/failures").then().statusCode(200).extract().jsonPath();
        assertThat(series.getList("points")).hasSize(60);
        assertThat(series.getList("kinds")).containsExactly("auth-failure", "unknown-user", "auth-challenge");
        admin().get("/api/v1/dashboard/failures?minutes=0").then().statusCode(400).body("field", equalTo("minutes"));
    }

    /** Failures of a kind in the last two minutes (a report may straddle a minute boundary). */
    private static long recentFailures(String kind) {
        List<Number> points = admin().get("/api/v1/dashboard/failures?minutes=2").then().statusCode(200)
                .extract().jsonPath().getList("points.'" + kind + "'", Number.class);
        return points.stream().mapToLong(Number::longValue).sum();
    }

    @Test
    void topOffendersComeFromTheBans() {
        Api.Node n = Api.node("offenders");
        String worst = "198.19.31.7";
        String neighbour = "198.19.31.8";
        n.report(List.of(event(worst, "auth-failure", 40), event(neighbour, "auth-failure", 30))).then()
                .body("banned", hasItem(worst));
        JsonPath top = admin().queryParam("limit", 100).get("/api/v1/dashboard/offenders").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> ip = top.getMap("ips.find { it.ip == '" + worst + "' }");
        assertThat(ip).containsEntry("failures", 40).containsEntry("bans", 1).containsEntry("active", true);
        Map<String, Object> net = top.getMap("networks.find { it.network == '198.19.31.0/24' }");
        assertThat(net).containsEntry("ips", 2).containsEntry("failures", 70);
        admin().get("/api/v1/dashboard/offenders?hours=0").then().statusCode(400).body("field", equalTo("hours"));
    }

    @Test
    void allowlistPreviewCountsTheBansAnEntryWouldLift() {
        admin().body(Map.of("ip", "198.19.77.5", "duration", "1h")).post("/api/v1/bans").then().statusCode(201);
        admin().body(Map.of("ip", "198.19.77.200", "duration", "1h")).post("/api/v1/bans").then().statusCode(201);
        admin().queryParam("value", "198.19.77.0/24").get("/api/v1/allowlist/preview").then().statusCode(200)
                .body("lifts", equalTo(2)).body("bans", equalTo(List.of("198.19.77.5", "198.19.77.200")))
                .body("kind", equalTo("cidr")).body("exists", equalTo(false));
        admin().queryParam("value", "198.19.77.5").get("/api/v1/allowlist/preview").then()
                .body("lifts", equalTo(1)).body("kind", equalTo("ip"));
        admin().queryParam("value", "198.19.78.0/24").get("/api/v1/allowlist/preview").then().body("lifts", equalTo(0));
        admin().queryParam("value", "localhost").get("/api/v1/allowlist/preview").then().statusCode(200)
                .body("kind", equalTo("dns")).body("networks", hasItem("127.0.0.1"));
        admin().queryParam("value", "127.0.0.0/8").get("/api/v1/allowlist/preview").then().body("exists", equalTo(true));
        admin().queryParam("value", "198.19.77.300").get("/api/v1/allowlist/preview").then().statusCode(400)
                .body("field", equalTo("value"));
        // Previewing changed nothing.
        assertThat(Api.activeBans()).contains("198.19.77.5", "198.19.77.200");
    }

    @Test
    void theStreamAnnouncesBansAsTheyHappen() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI stream = root.toURI().resolve("/api/v1/dashboard/stream");
        assertThat(http.send(HttpRequest.newBuilder(stream).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(401);

        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(stream)
                .header("Authorization", "Bearer " + Api.ADMIN).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
        CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.offer(line);
                }
            } catch (java.io.IOException ignored) {
                // closed at the end of the test
            }
        });
        try {
            assertThat(next(lines, "\"hello\"")).startsWith("data:");
            String target = ip();
            admin().body(Map.of("ip", target, "duration", "5m")).post("/api/v1/bans").then().statusCode(201);
            assertThat(next(lines, target)).contains("\"type\":\"bans\"");
            admin().delete("/api/v1/bans/" + target).then().statusCode(200);
            assertThat(next(lines, target)).contains("\"unbanned\":[\"" + target + "\"]");
            admin().body(Map.of("maxretry", 10)).put("/api/v1/jails/freeswitch").then().statusCode(200);
            assertThat(next(lines, "\"jails\"")).contains("\"type\":\"changed\"");
        } finally {
            response.body().close();
        }
    }

    private static String next(BlockingQueue<String> lines, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(containing)) {
                return line;
            }
        }
        throw new AssertionError("no stream line containing " + containing + " within 20 s");
    }

    @Test
    void theConsoleIsServedAtTheRootWithAStrictPolicy() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Frame-Options", equalTo("DENY"))
                .body(containsString("/console/app.js"));
        for (String asset : List.of("app.js", "api.js", "ui.js", "chart.js", "console.css", "views/overview.js",
                "views/bans.js", "views/jails.js", "views/allowlist.js", "views/audit.js")) {
            given().get("/console/" + asset).then().statusCode(200);
        }
        // Everything the console calls needs an admin token.
        for (String path : List.of("/api/v1/dashboard/overview", "/api/v1/dashboard/failures",
                "/api/v1/dashboard/offenders", "/api/v1/allowlist/preview?value=1.2.3.4", "/api/v1/audit")) {
            given().get(path).then().statusCode(401);
        }
    }

    @Test
    void nodeLagIsAPrometheusGauge() throws Exception {
        Api.Node n = Api.node("gauge");
        n.report(List.of()).then().statusCode(200);
        n.decisions(0, 0).then().statusCode(200);
        String line = eventually(() -> given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith("fleetban_node_cursor_lag{") && l.contains("\"" + n.name() + "\""))
                .findFirst().orElse(null));
        assertThat(line).matches(".* [0-9.E]+$");
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("fleetban_node_last_report_age_seconds{node=\"" + n.name() + "\"}")
                .contains("fleetban_node_last_poll_age_seconds{node=\"" + n.name() + "\"}");
    }
}

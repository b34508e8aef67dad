package io.fleetban.controller;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The controller's HTTP API as the tests use it: nodes, reports, decisions, admin calls. */
public final class Api {

    public static final String ADMIN = "test-admin-token";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Api() {
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN).contentType(ContentType.JSON);
    }

    public static RequestSpecification agent(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    /** Registers a node with a unique name starting with {@code prefix}; returns its name and token. */
    public static Node node(String prefix) {
        String name = prefix + "-" + System.nanoTime();
        String token = admin().body(Map.of("name", name)).post("/api/v1/nodes")
                .then().statusCode(201).extract().path("token");
        return new Node(name, token);
    }

    public record Node(String name, String token) {

        public Response report(List<Map<String, Object>> events) {
            return report(SEQ.incrementAndGet(), events);
        }

        public Response report(long seq, List<Map<String, Object>> events) {
            return agent(token).body(Map.of("node", name, "seq", seq, "events", events)).post("/api/v1/reports");
        }

        public Response decisions(long since, int wait) {
            return agent(token).queryParam("since", since).queryParam("wait", wait).get("/api/v1/decisions");
        }
    }

    public static Map<String, Object> event(String ip, String kind, int count, Instant at) {
        return Map.of("ip", ip, "kind", kind, "count", count, "first", at.toString(), "last", at.toString(),
                "sample", "2026-11-25 10:00:00.000000 [WARNING] sofia_reg.c:1720 " + kind + " from ip " + ip);
    }

    public static Map<String, Object> event(String ip, String kind, int count) {
        return event(ip, kind, count, Instant.now());
    }

    /** A fresh documentation-range address per call, so tests never share an ip. */
    public static String ip() {
        int n = NEXT.incrementAndGet();
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }

    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.nanoTime() % 10_000));

    public static List<String> activeBans() {
        List<String> out = new ArrayList<>(admin().queryParam("limit", 1000).get("/api/v1/bans")
                .then().statusCode(200).extract().jsonPath().getList("bans.ip", String.class));
        return out;
    }

    /** Polls until {@code probe} gives a value, for up to 30 s (a scheduled job's period plus slack on a busy machine). */
    public static <T> T eventually(Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met within 30 s");
    }
}

package io.fleetban.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the controller's report endpoint in the collect tests: checks each report the
 * way the controller does, counts each (node, seq) once, and answers as scripted (errors, 429
 * with Retry-After, a cut connection, or storing a report and then cutting the connection, as
 * when the controller's 200 is lost on the way).
 */
public final class Receiver implements Closeable {

    /** Scripted answers; anything else is an HTTP status. */
    public static final int CUT = 0;
    public static final int STORE_THEN_CUT = -1;

    private static final JsonFactory JSON = new JsonFactory();

    static {
        // Answer headers and body go out as two writes: without this, Nagle and the client's delayed
        // ACK hold each answer ~40 ms (the controller, on Vert.x, sets TCP_NODELAY itself).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final String token;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Long> counts = new HashMap<>();
    private final List<Long> acceptedSeqs = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int requests;
    private int duplicates;
    private boolean down;

    public Receiver(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/reports", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized void script(int... answers) {
        for (int a : answers) {
            script.add(a);
        }
    }

    /** Every request answered 503 until {@link #up()}. */
    public synchronized void down() {
        down = true;
    }

    public synchronized void up() {
        down = false;
    }

    public synchronized long count(String ip, String kind) {
        return counts.getOrDefault(ip + " " + kind, 0L);
    }

    public synchronized long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public synchronized List<Long> acceptedSeqs() {
        return List.copyOf(acceptedSeqs);
    }

    /** What the receiver found wrong in reports (it answered 400 to them). */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public synchronized int requests() {
        return requests;
    }

    public synchronized int duplicates() {
        return duplicates;
    }

    /** Waits until {@code n} failures were counted (the agent may be retrying). */
    public void awaitTotal(long n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (total() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(n, total(), "failures counted by the receiver");
    }

    private void handle(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        int answer;
        synchronized (this) {
            requests++;
            answer = script.isEmpty() ? (down ? 503 : 200) : script.poll();
        }
        if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
            respond(x, 401, "{\"error\":\"unknown token\"}");
            return;
        }
        if (answer == CUT) {
            x.close();
            return;
        }
        if (answer == 200 || answer == STORE_THEN_CUT) {
            boolean duplicate;
            try {
                duplicate = store(body);
            } catch (AssertionError | RuntimeException e) {
                synchronized (this) {
                    problems.add(e.toString());
                }
                respond(x, 400, "{\"error\":\"invalid report: " + e.getMessage().replace('"', '\'') + "\"}");
                return;
            }
            if (answer == STORE_THEN_CUT) {
                x.close();
                return;
            }
            respond(x, 200, "{\"accepted\":1,\"duplicate\":" + duplicate + ",\"banned\":[]}");
            return;
        }
        if (answer == 429) {
            x.getResponseHeaders().add("Retry-After", "1");
        }
        respond(x, answer, "{\"error\":\"scripted " + answer + "\",\"field\":\"events[0].ip\"}");
    }

    /** Checks the report like the controller; false if new, true for a (node, seq) seen before. */
    private synchronized boolean store(byte[] body) throws IOException {
        Report r = parse(body);
        if (!seen.add(r.node + " " + r.seq)) {
            duplicates++;
            return true;
        }
        acceptedSeqs.add(r.seq);
        for (String[] e : r.events) {
            counts.merge(e[0] + " " + e[1], Long.parseLong(e[2]), Long::sum);
        }
        return false;
    }

    private record Report(String node, long seq, List<String[]> events) {
    }

    private static Report parse(byte[] body) throws IOException {
        String node = null;
        Long seq = null;
        List<String[]> events = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "node" -> node = p.getText();
                    case "seq" -> seq = p.getLongValue();
                    case "sent" -> Instant.parse(p.getText());
                    case "events" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            Map<String, String> e = new HashMap<>();
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String k = p.currentName();
                                p.nextToken();
                                e.put(k, p.getText());
                            }
                            assertTrue(e.get("sample").getBytes(StandardCharsets.UTF_8).length <= 1024, "sample size");
                            assertTrue(!Instant.parse(e.get("first")).isAfter(Instant.parse(e.get("last"))), "first <= last");
                            assertTrue(Integer.parseInt(e.get("count")) >= 1, "count");
                            events.add(new String[] {e.get("ip"), e.get("kind"), e.get("count")});
                        }
                    }
                    default -> throw new AssertionError("unknown field " + f);
                }
            }
        }
        assertNotNull(node, "node");
        assertNotNull(seq, "seq");
        assertTrue(events.size() <= 1000, "at most 1000 events");
        return new Report(node, seq, events);
    }

    private static void respond(HttpExchange x, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

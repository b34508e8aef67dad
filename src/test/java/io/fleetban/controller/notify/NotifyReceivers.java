package io.fleetban.controller.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fleetban.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receivers notifications go to, real servers on loopback: GreenMail's SMTP server, and one
 * HTTP server with a webhook endpoint per kind — a generic one that answers 503 to the first two
 * attempts of every delivery (so retries happen), Slack, Matrix, and one that can be made to hang.
 */
public class NotifyReceivers implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "webhook-secret";
    public static final String MATRIX_TOKEN = "matrix-access-token";
    static final int FAILED_ATTEMPTS = 2;

    /** One request a webhook endpoint received. */
    public record Hook(String path, String method, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static GreenMail smtp;
    static HttpServer http;
    static final List<Hook> HOOKS = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    /** While not zero, the "stuck" endpoint holds every request. */
    static volatile CountDownLatch stuck = new CountDownLatch(0);
    static final AtomicInteger STUCK_WAITING = new AtomicInteger();

    @Override
    public Map<String, String> start() {
        smtp = new GreenMail(new ServerSetup(TestDatabase.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/generic", ex -> {
            Hook h = record(ex);
            int attempt = ATTEMPTS.computeIfAbsent(h.header(WebhookChannel.DELIVERY_HEADER), k -> new AtomicInteger())
                    .incrementAndGet();
            answer(ex, attempt <= FAILED_ATTEMPTS ? 503 : 200);
        });
        http.createContext("/slack", ex -> {
            record(ex);
            answer(ex, 200);
        });
        http.createContext("/matrix", ex -> {
            record(ex);
            answer(ex, 200);
        });
        http.createContext("/stuck", ex -> {
            record(ex);
            STUCK_WAITING.incrementAndGet();
            try {
                stuck.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                STUCK_WAITING.decrementAndGet();
            }
            answer(ex, 200);
        });
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        return Map.ofEntries(
                Map.entry("quarkus.mailer.mock", "false"),
                Map.entry("quarkus.mailer.host", "127.0.0.1"),
                Map.entry("quarkus.mailer.port", Integer.toString(smtp.getSmtp().getPort())),
                Map.entry("quarkus.mailer.from", "Fleetban <fleetban@ops.example>"),
                Map.entry("fleetban.notify.email.enabled", "true"),
                Map.entry("fleetban.notify.email.to", "noc@ops.example,oncall@ops.example"),
                Map.entry("fleetban.notify.digest-threshold", "3"),
                Map.entry("fleetban.notify.digest-window", "3s"),
                Map.entry("fleetban.notify.webhooks.generic.url", base + "/generic"),
                Map.entry("fleetban.notify.webhooks.generic.secret", SECRET),
                Map.entry("fleetban.notify.webhooks.generic.backoff", "1s"),
                Map.entry("fleetban.notify.webhooks.slack.url", base + "/slack"),
                Map.entry("fleetban.notify.webhooks.slack.format", "slack"),
                Map.entry("fleetban.notify.webhooks.matrix.url", base + "/matrix/_matrix/client/v3/rooms/!ops:example/send/m.room.message"),
                Map.entry("fleetban.notify.webhooks.matrix.format", "matrix"),
                Map.entry("fleetban.notify.webhooks.matrix.token", MATRIX_TOKEN),
                Map.entry("fleetban.notify.webhooks.stuck.url", base + "/stuck"),
                Map.entry("fleetban.notify.webhooks.stuck.timeout", "90s"),
                Map.entry("fleetban.notify.webhooks.stuck.max-attempts", "1"));
    }

    private static Hook record(HttpExchange ex) throws IOException {
        Hook h = new Hook(ex.getRequestURI().getPath(), ex.getRequestMethod(), Map.copyOf(ex.getRequestHeaders()),
                ex.getRequestBody().readAllBytes());
        HOOKS.add(h);
        return h;
    }

    private static void answer(HttpExchange ex, int status) throws IOException {
        byte[] body = (status == 200 ? "{}" : "{\"error\":\"try later\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Override
    public void stop() {
        stuck.countDown();
        if (http != null) {
            http.stop(0);
        }
        if (smtp != null) {
            smtp.stop();
        }
    }
}

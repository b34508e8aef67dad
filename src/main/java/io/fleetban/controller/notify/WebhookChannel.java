package io.fleetban.controller.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * POSTs (Matrix: PUTs) a message as JSON. 2xx is delivered; a network error, 408, 429 or 5xx is
 * tried again (after Retry-After when the receiver sent one); any other answer is final.
 */
final class WebhookChannel implements Channel {

    static final String DELIVERY_HEADER = "X-Fleetban-Delivery";

    private final String name;
    private final URI url;
    private final WebhookFormat format;
    private final Optional<String> secret;
    private final Optional<String> token;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration window;
    private final int threshold;

    WebhookChannel(String name, URI url, WebhookFormat format, Optional<String> secret, Optional<String> token,
                   Duration timeout, HttpClient http, ObjectMapper json, Duration window, int threshold) {
        this.name = name;
        this.url = url;
        this.format = format;
        this.secret = secret;
        this.token = token;
        this.timeout = timeout;
        this.http = http;
        this.json = json;
        this.window = window;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "webhook:" + name;
    }

    @Override
    public void send(Message m) throws DeliveryException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(format.body(m, json, window, threshold));
        } catch (JsonProcessingException e) {
            throw new DeliveryException("could not write the message: " + e.getMessage(), false, null);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target(m)).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "fleetban")
                .header(DELIVERY_HEADER, m.id());
        if (format == WebhookFormat.MATRIX) {
            request.PUT(HttpRequest.BodyPublishers.ofByteArray(body)); // the message id is the transaction id
        } else {
            request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        secret.ifPresent(s -> {
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            request.header(Signature.TIMESTAMP_HEADER, timestamp).header(Signature.HEADER, Signature.sign(s, timestamp, body));
        });
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DeliveryException(url.getHost() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", false, null);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String why = "HTTP " + status + " " + abbreviate(response.body());
        boolean retryable = status == 408 || status == 429 || status >= 500;
        throw new DeliveryException(why, retryable, retryAfter(response));
    }

    private URI target(Message m) {
        if (format != WebhookFormat.MATRIX) {
            return url;
        }
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + URLEncoder.encode(m.id(), StandardCharsets.UTF_8));
    }

    private static Duration retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: use our own backoff
            }
        }).orElse(null);
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}

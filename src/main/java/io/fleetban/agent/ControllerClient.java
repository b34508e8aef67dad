package io.fleetban.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The agent's HTTP connection to the controller ({@code --controller URL}, {@code --token T} or
 * {@code --token-file F}). Transport failures surface as {@link IOException} so callers decide
 * between retrying, spooling and giving up; HTTP answers of any status come back as a
 * {@link Response}.
 */
public final class ControllerClient {

    /** The options every command that talks to the controller accepts. */
    public static final Set<String> OPTIONS = Set.of("controller", "token", "token-file");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final String authorization;
    private final HttpClient http;

    public ControllerClient(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.authorization = "Bearer " + token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public static ControllerClient fromOptions(Options o) {
        String url = o.require("controller");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--controller: '" + url + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("--controller: '" + url + "' is not an http:// or https:// URL");
        }
        return new ControllerClient(uri, token(o));
    }

    private static String token(Options o) {
        String token = o.get("token");
        String file = o.get("token-file");
        if (token != null && file != null) {
            throw new UsageException("give --token or --token-file, not both");
        }
        if (file != null) {
            try {
                token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UsageException("--token-file: cannot read " + file + " (" + e.getMessage() + ")");
            }
        }
        if (token == null) {
            token = System.getenv("FLEETBAN_TOKEN");
        }
        if (token == null || token.isEmpty()) {
            throw new UsageException("a token is required: --token, --token-file or FLEETBAN_TOKEN");
        }
        return token;
    }

    public URI base() {
        return base;
    }

    public Response get(String pathAndQuery, Duration timeout) throws IOException {
        return send(request(pathAndQuery, timeout).GET().build());
    }

    public Response post(String path, byte[] json, Duration timeout) throws IOException {
        return send(request(path, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    public Response put(String path, byte[] json, Duration timeout) throws IOException {
        return send(request(path, timeout)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    public Response delete(String path, Duration timeout) throws IOException {
        return send(request(path, timeout).DELETE().build());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json");
    }

    private Response send(HttpRequest request) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** An HTTP answer of any status. */
    public record Response(int status, byte[] body, HttpHeaders headers) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}

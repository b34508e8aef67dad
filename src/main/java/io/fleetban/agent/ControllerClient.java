package io.fleetban.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's HTTP connection to the controller ({@code --controller URL}, {@code --token T} or
 * {@code --token-file F}, {@code --cacert FILE} for an https:// controller with its own CA). Transport failures surface as {@link IOException} so callers decide
 * between retrying, spooling and giving up; HTTP answers of any status come back as a
 * {@link Response}.
 */
public final class ControllerClient {

    /** The options every command that talks to the controller accepts. */
    public static final Set<String> OPTIONS = Set.of("controller", "token", "token-file", "cacert");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final String authorization;
    private final SSLSocketFactory tls;

    public ControllerClient(URI base, String token) {
        this(base, token, null);
    }

    /** @param tls trusts the controller's certificate ({@code --cacert}); null for the JDK's trust store */
    public ControllerClient(URI base, String token, SSLSocketFactory tls) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.authorization = "Bearer " + token;
        this.tls = tls;
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
        String cacert = o.get("cacert");
        if (cacert != null && !"https".equals(uri.getScheme())) {
            throw new UsageException("--cacert is for an https:// controller, not " + url);
        }
        return new ControllerClient(uri, token(o), cacert == null ? null : trusting(Path.of(cacert)));
    }

    /** TLS that trusts exactly the certificates in a PEM file (the controller's CA or its self-signed certificate). */
    static SSLSocketFactory trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, cert);
            }
            if (i == 0) {
                throw new UsageException("--cacert: " + pem + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UsageException("--cacert: cannot read " + pem + " (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new UsageException("--cacert: " + pem + " is not a usable certificate (" + e.getMessage() + ")");
        }
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
        return send("GET", pathAndQuery, null, timeout);
    }

    public Response post(String path, byte[] json, Duration timeout) throws IOException {
        return send("POST", path, json, timeout);
    }

    public Response put(String path, byte[] json, Duration timeout) throws IOException {
        return send("PUT", path, json, timeout);
    }

    public Response delete(String path, Duration timeout) throws IOException {
        return send("DELETE", path, null, timeout);
    }

    /**
     * One request over HttpURLConnection (kept-alive connections are reused): for the agent's
     * plain JSON calls it costs some 15 MB less resident memory than java.net.http.HttpClient,
     * which sets up TLS and its own threads even for http:// URLs. {@code timeout} bounds each
     * read, so a long poll needs one longer than its wait.
     */
    private Response send(String method, String path, byte[] body, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        if (tls != null && c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls);
        }
        try {
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            c.setRequestMethod(method);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Authorization", authorization);
            c.setRequestProperty("Accept", "application/json");
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            byte[] answer;
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                long length = c.getContentLengthLong();
                // A full snapshot of 100k bans is megabytes: one buffer of the announced size, not a doubling series.
                answer = in == null ? new byte[0]
                        : length >= 0 && length < Integer.MAX_VALUE ? in.readNBytes((int) length) : in.readAllBytes();
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.getHeaderFields().forEach((name, values) -> {
                if (name != null) {
                    headers.put(name, values);
                }
            });
            return new Response(status, answer, HttpHeaders.of(headers, (n, v) -> true));
        } catch (IOException e) {
            c.disconnect();
            throw e;
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

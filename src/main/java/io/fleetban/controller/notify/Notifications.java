package io.fleetban.controller.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetban.controller.ban.BansWritten;
import io.fleetban.controller.ban.NewBan;
import io.fleetban.core.net.IpAddress;
import io.fleetban.core.time.Durations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.Mailer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Ban notifications. A ban is noticed after its transaction committed, on the replica that wrote
 * it (so each ban is announced once, cluster-wide), and only put into a bounded queue: report
 * ingestion never waits for DNS, SMTP or a webhook. One dispatcher thread turns the queue into
 * messages (single bans, or a digest during a flood) and hands them to each channel's courier.
 */
@ApplicationScoped
public class Notifications {

    private static final Logger LOG = Logger.getLogger(Notifications.class);
    private static final Duration REVERSE_DNS_TIMEOUT = Duration.ofSeconds(2);
    private static final int REVERSE_DNS_CACHE = 1000;

    @Inject
    NotifyConfig config;
    @Inject
    Mailer mailer;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry metrics;

    private final List<Courier> couriers = new ArrayList<>();
    private final AtomicLong overflow = new AtomicLong();
    private volatile BlockingQueue<Noticed> queue;
    private volatile boolean running;
    private Thread dispatcher;
    private DigestBatcher batcher;
    private Duration window;
    private Counter dropped;
    private ExecutorService lookups;
    private final Map<String, String> reverseNames = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REVERSE_DNS_CACHE;
        }
    };

    /** A ban as the ledger wrote it, with when we heard of it. */
    private record Noticed(BansWritten.Ban ban, Instant at) {
    }

    void start(@Observes StartupEvent ev) {
        window = duration("fleetban.notify.digest-window", config.digestWindow());
        int threshold = config.digestThreshold();
        if (threshold < 0) {
            throw new IllegalStateException("fleetban.notify.digest-threshold: must be 0 or more, not " + threshold);
        }
        if (config.queueSize() < 1) {
            throw new IllegalStateException("fleetban.notify.queue-size: must be at least 1, not " + config.queueSize());
        }
        NotifyConfig.Email email = config.email();
        if (email.enabled()) {
            List<String> to = email.to().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (to.isEmpty()) {
                throw new IllegalStateException("fleetban.notify.email.to: required when fleetban.notify.email.enabled=true");
            }
            couriers.add(new Courier(new MailChannel(mailer, to, email.from(), email.subjectPrefix(), window, threshold),
                    attempts("fleetban.notify.email.max-attempts", email.maxAttempts()),
                    duration("fleetban.notify.email.backoff", email.backoff()), metrics));
        }
        HttpClient http = null;
        for (var e : config.webhooks().entrySet()) {
            NotifyConfig.Webhook w = e.getValue();
            if (!w.enabled()) {
                continue;
            }
            String key = "fleetban.notify.webhooks." + e.getKey() + ".";
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(HttpClient.Redirect.NEVER).build();
            }
            couriers.add(new Courier(new WebhookChannel(e.getKey(), url(key + "url", w.url()),
                    WebhookFormat.parse(w.format(), key + "format"), w.secret().filter(s -> !s.isEmpty()),
                    w.token().filter(s -> !s.isEmpty()), duration(key + "timeout", w.timeout()), http, json, window,
                    threshold), attempts(key + "max-attempts", w.maxAttempts()), duration(key + "backoff", w.backoff()),
                    metrics));
        }
        if (couriers.isEmpty()) {
            LOG.debug("ban notifications are off (no channel configured under fleetban.notify)");
            return;
        }
        batcher = new DigestBatcher(threshold, window);
        dropped = metrics.counter("fleetban_notify_dropped_total");
        lookups = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fleetban-notify-rdns");
            t.setDaemon(true);
            return t;
        });
        queue = new ArrayBlockingQueue<>(config.queueSize());
        metrics.gauge("fleetban_notify_queue", queue, BlockingQueue::size);
        running = true;
        dispatcher = new Thread(this::dispatch, "fleetban-notify");
        dispatcher.setDaemon(true);
        dispatcher.start();
        LOG.infof("ban notifications to %s (digest past %d bans within %s)",
                couriers.stream().map(Courier::name).toList(), threshold, Durations.format(window));
    }

    void stop(@Observes ShutdownEvent ev) {
        running = false;
        if (dispatcher != null) {
            dispatcher.interrupt();
        }
        couriers.forEach(Courier::close);
        if (lookups != null) {
            lookups.shutdownNow();
        }
    }

    /** Runs right after the commit on the thread that wrote the bans: must only ever enqueue. */
    void onBans(@Observes(during = TransactionPhase.AFTER_SUCCESS) BansWritten written) {
        BlockingQueue<Noticed> q = queue;
        if (q == null) {
            return;
        }
        Instant now = Instant.now();
        for (BansWritten.Ban b : written.bans()) {
            if (!q.offer(new Noticed(b, now))) {
                overflow.incrementAndGet();
                dropped.increment();
            }
        }
    }

    private void dispatch() {
        while (running) {
            try {
                Noticed n = queue.poll(200, TimeUnit.MILLISECONDS);
                Instant now = Instant.now();
                long lost = overflow.getAndSet(0);
                if (lost > 0) {
                    batcher.omit(lost, now);
                }
                if (n != null) {
                    Message single = batcher.add(notice(n), now);
                    if (single != null) {
                        send(withReverseDns(single));
                    }
                }
                Message digest = batcher.due(now);
                if (digest != null) {
                    send(digest);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("notification dispatcher", e);
            }
        }
    }

    private void send(Message m) {
        couriers.forEach(c -> c.submit(m));
    }

    private BanNotice notice(Noticed n) {
        NewBan req = n.ban().request();
        var w = n.ban().written();
        Map<String, Map<String, Long>> nodes = new LinkedHashMap<>();
        List<String> samples = new ArrayList<>();
        try {
            JsonNode ev = json.readTree(req.evidenceJson() == null ? "{}" : req.evidenceJson());
            ev.path("nodes").fields().forEachRemaining(node -> {
                Map<String, Long> kinds = new LinkedHashMap<>();
                node.getValue().fields().forEachRemaining(k -> kinds.put(k.getKey(), k.getValue().asLong()));
                nodes.put(node.getKey(), kinds);
            });
            ev.path("samples").forEach(s -> samples.add(s.asText()));
        } catch (IOException e) {
            LOG.debugf("unreadable evidence of ban %d: %s", w.id(), e.getMessage());
        }
        return new BanNotice(w.ip().toString(), w.jail(), req.origin().wireName(), req.reason(), req.failures(),
                w.banCount(), n.at(), w.expiresAt(), req.createdBy(), nodes, samples, null);
    }

    private Message withReverseDns(Message m) {
        BanNotice b = m.bans().get(0);
        if (!config.reverseDns() || b.ip().indexOf('/') >= 0) {
            return m;
        }
        String name = reverseNames.computeIfAbsent(b.ip(), this::lookUp);
        return name.isEmpty() ? m : new Message(m.id(), m.at(), false, List.of(b.withReverseDns(name)), 0);
    }

    /** The PTR name, or "" when there is none or it takes too long. */
    private String lookUp(String ip) {
        try {
            byte[] address = IpAddress.parse(ip).bytes();
            String name = CompletableFuture.supplyAsync(() -> {
                try {
                    return InetAddress.getByAddress(address).getCanonicalHostName();
                } catch (IOException e) {
                    return "";
                }
            }, lookups).get(REVERSE_DNS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return name.isEmpty() || isAddress(name) ? "" : name; // no PTR: Java answers with the address
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean isAddress(String s) {
        try {
            IpAddress.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Duration duration(String key, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }

    private static int attempts(String key, int n) {
        if (n < 1) {
            throw new IllegalStateException(key + ": must be at least 1, not " + n);
        }
        return n;
    }

    private static URI url(String key, String value) {
        try {
            URI u = URI.create(value.trim());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalStateException(key + ": not an http(s) URL: '" + value + "'");
    }
}

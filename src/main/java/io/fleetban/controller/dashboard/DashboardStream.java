package io.fleetban.controller.dashboard;

import io.fleetban.controller.decision.DecisionFeed;
import io.fleetban.controller.store.Change;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's live feed: ban and unban events as this replica's decision feed applies them
 * (whichever replica decided them), other changes any replica announced (jails, allowlist,
 * breaker, tokens), and a ping so proxies and the browser see the stream alive. Each subscriber
 * waits on the feed like a long-polling agent: no thread, no database connection.
 */
@ApplicationScoped
public class DashboardStream {

    static final Duration PING = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LISTED = 20;

    @Inject
    DecisionFeed feed;

    private final BroadcastProcessor<Map<String, Object>> changes = BroadcastProcessor.create();

    void onChange(@Observes Change change) {
        if (change != Change.EVENTS) {
            changes.onNext(Map.of("type", "changed", "what", change.payload()));
        }
    }

    public Multi<Map<String, Object>> subscribe() {
        long start = feed.cursor();
        Multi<Map<String, Object>> bans = Multi.createBy().repeating()
                .uni(() -> new AtomicLong(start), cursor -> feed.await(cursor.get(), WAIT)
                        .invoke(d -> cursor.set(d.cursor())))
                .indefinitely()
                .filter(d -> d.full() || !d.bans().isEmpty() || !d.unbans().isEmpty())
                .map(DashboardStream::event);
        Multi<Map<String, Object>> pings = Multi.createFrom().ticks().every(PING).onOverflow().drop()
                .map(t -> Map.of("type", "ping"));
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(Map.of("type", "hello", "cursor", start)),
                Multi.createBy().merging().streams(bans, changes.onOverflow().drop(), pings));
    }

    private static Map<String, Object> event(DecisionFeed.Decisions d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "bans");
        m.put("cursor", d.cursor());
        m.put("full", d.full());
        m.put("banned_count", d.bans().size());
        m.put("unbanned_count", d.unbans().size());
        m.put("banned", ips(d.bans()));
        m.put("unbanned", ips(d.unbans()));
        return m;
    }

    private static List<String> ips(List<DecisionFeed.Active> list) {
        return list.stream().limit(LISTED).map(a -> a.ip().toString()).toList();
    }
}

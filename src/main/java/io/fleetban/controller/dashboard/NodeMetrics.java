package io.fleetban.controller.dashboard;

import io.fleetban.controller.node.NodeService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Per-node gauges for Prometheus: cursor lag (ban events the node has not applied yet) and the
 * seconds since its last report and last poll, from the node list refreshed every 15 s. Ages
 * are computed when scraped, so a silent node's age keeps growing between refreshes.
 */
@ApplicationScoped
public class NodeMetrics {

    private static final Logger LOG = Logger.getLogger(NodeMetrics.class);

    @Inject
    NodeService nodes;
    @Inject
    MeterRegistry registry;

    private MultiGauge lag;
    private MultiGauge reportAge;
    private MultiGauge pollAge;

    void register(@Observes StartupEvent ev) {
        lag = MultiGauge.builder("fleetban_node_cursor_lag")
                .description("ban events the node has not applied yet (head cursor minus its cursor)")
                .register(registry);
        reportAge = MultiGauge.builder("fleetban_node_last_report_age_seconds")
                .description("seconds since the node's last report").register(registry);
        pollAge = MultiGauge.builder("fleetban_node_last_poll_age_seconds")
                .description("seconds since the node's last decisions poll").register(registry);
    }

    @Scheduled(every = "15s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (lag == null) {
            return;
        }
        List<NodeService.NodeView> all;
        try {
            all = nodes.list();
        } catch (SQLException e) {
            LOG.debugf("could not refresh node gauges: %s", e.getMessage());
            return;
        }
        lag.register(rows(all, v -> v.cursorLag() == null ? Double.NaN : v.cursorLag().doubleValue()), true);
        reportAge.register(rows(all, v -> age(v.lastReport())), true);
        pollAge.register(rows(all, v -> age(v.lastPoll())), true);
    }

    private static List<MultiGauge.Row<?>> rows(List<NodeService.NodeView> all,
                                                ToDoubleFunction<NodeService.NodeView> value) {
        return all.stream().<MultiGauge.Row<?>>map(v -> MultiGauge.Row.of(Tags.of("node", v.name()), v, value))
                .toList();
    }

    private static double age(Instant at) {
        return at == null ? Double.NaN : Duration.between(at, Instant.now()).toMillis() / 1000.0;
    }
}

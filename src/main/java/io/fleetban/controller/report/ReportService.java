package io.fleetban.controller.report;

import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.ban.BanEngine;
import io.fleetban.controller.ban.BanLedger;
import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.time.Durations;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Where a report is taken in: validated, stored once, then checked for bans. */
@ApplicationScoped
public class ReportService {

    public record Outcome(int accepted, boolean duplicate, List<String> banned) {
    }

    @Inject
    OffenseStore offenses;
    @Inject
    BanEngine engine;
    @Inject
    FleetbanConfig config;
    @Inject
    MeterRegistry metrics;

    private ReportParser parser;

    @PostConstruct
    void init() {
        parser = new ReportParser(config.reports().maxEvents(), Durations.parse(config.reports().maxClockSkew()));
    }

    public Report parse(byte[] body) {
        return parser.parse(body, Instant.now());
    }

    public Outcome ingest(Report report) throws SQLException {
        if (!offenses.store(report)) {
            metrics.counter("fleetban_reports_total", "outcome", "duplicate").increment();
            return new Outcome(0, true, List.of());
        }
        metrics.counter("fleetban_reports_total", "outcome", "accepted").increment();
        Map<FailureKind, Long> perKind = new EnumMap<>(FailureKind.class);
        for (ReportEvent e : report.events()) {
            perKind.merge(e.kind(), (long) e.count(), Long::sum);
        }
        perKind.forEach((kind, n) -> metrics.counter("fleetban_failures_total", "kind", kind.wireName(),
                "node", report.node()).increment(n));
        List<BanLedger.Written> bans = engine.decide(
                report.events().stream().map(ReportEvent::ip).collect(Collectors.toSet()));
        return new Outcome(report.events().size(), false, bans.stream().map(b -> b.ip().toString()).toList());
    }
}

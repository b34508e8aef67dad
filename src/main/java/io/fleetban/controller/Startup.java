package io.fleetban.controller;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.allowlist.Allowlist;
import io.fleetban.controller.allowlist.AllowlistService;
import io.fleetban.controller.auth.TokenRegistry;
import io.fleetban.controller.decision.DecisionFeed;
import io.fleetban.controller.jail.JailRegistry;
import io.fleetban.controller.jail.JailService;
import io.fleetban.controller.store.Maintenance;
import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.jail.JailPolicy;
import io.fleetban.core.time.Durations;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * On start (after Flyway): seed the configured jails and allowlist entries that were never seeded
 * (an operator's later edits and deletions stay), make sure today's offense partitions exist, and
 * load the in-memory views before the first request.
 */
@ApplicationScoped
public class Startup {

    @Inject
    FleetbanConfig config;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    JailService jailService;
    @Inject
    AllowlistService allowlistService;
    @Inject
    Maintenance maintenance;
    @Inject
    JailRegistry jails;
    @Inject
    Allowlist allowlist;
    @Inject
    TokenRegistry tokens;
    @Inject
    DecisionFeed feed;

    void start(@Observes StartupEvent ev) throws SQLException {
        seed(configuredJails());
        maintenance.maintainPartitions();
        jails.reload();
        allowlist.reload();
        tokens.reload();
        feed.refresh();
    }

    @Transactional
    void seed(Map<String, JailPolicy> configured) throws SQLException {
        Map<String, JailPolicy> newJails = new LinkedHashMap<>();
        configured.forEach((name, p) -> {
            if (firstTime("jail:" + name)) {
                newJails.put(name, p);
            }
        });
        jailService.seed(newJails);
        List<String> newEntries = new ArrayList<>();
        for (String v : config.allowlist()) {
            if (firstTime("allowlist:" + v.trim())) {
                newEntries.add(v.trim());
            }
        }
        allowlistService.seed(newEntries);
    }

    private boolean firstTime(String what) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO seeded (name) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, what);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record seeding of " + what, e);
        }
    }

    /** The jails of application.properties; a bad value stops the start naming its key. */
    Map<String, JailPolicy> configuredJails() {
        Map<String, JailPolicy> out = new LinkedHashMap<>();
        config.jails().forEach((name, j) -> {
            String key = "fleetban.jails." + name + ".";
            try {
                Set<FailureKind> kinds = j.kinds().stream().map(String::trim).map(FailureKind::fromWireName)
                        .collect(Collectors.toSet());
                out.put(name, new JailPolicy(name, kinds, j.maxretry(), duration(key + "findtime", j.findtime()),
                        duration(key + "bantime", j.bantime()), j.increment(), j.incrementFactor(),
                        duration(key + "increment-max", j.incrementMax()), j.enabled()));
            } catch (JailPolicy.InvalidPolicyException e) {
                throw new IllegalStateException(key + e.field() + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(key + "kinds: " + e.getMessage(), e);
            }
        });
        return out;
    }

    private static Duration duration(String key, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }
}

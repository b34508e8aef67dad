package io.fleetban.controller.jail;

import io.fleetban.controller.store.Change;
import io.fleetban.core.jail.JailPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The jails' policies in memory, reloaded whenever any replica changes a jail. */
@ApplicationScoped
public class JailRegistry {

    private volatile Map<String, JailPolicy> policies = Map.of();

    void onChange(@Observes Change change) {
        if (change.affects(Change.JAILS)) {
            reload();
        }
    }

    @Transactional
    public void reload() {
        policies = Jail.<Jail>listAll().stream().map(Jail::policy)
                .collect(Collectors.toUnmodifiableMap(JailPolicy::name, Function.identity()));
    }

    /** The policy of an enabled jail, or null. */
    public JailPolicy policy(String name) {
        JailPolicy p = policies.get(name);
        return p != null && p.enabled() ? p : null;
    }

    public List<JailPolicy> all() {
        return policies.values().stream().sorted(Comparator.comparing(JailPolicy::name)).toList();
    }

    /** Offenses older than this can't matter to any jail. */
    public Duration longestFindtime() {
        return policies.values().stream().filter(JailPolicy::enabled).map(JailPolicy::findtime)
                .max(Comparator.naturalOrder()).orElse(Duration.ofMinutes(10));
    }
}

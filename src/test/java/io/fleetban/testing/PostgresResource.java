package io.fleetban.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a {@code @QuarkusTest} controller at a fresh database in the test run's PostgreSQL. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.datasource.jdbc.url", TestDatabase.fresh("fleetban_test"),
                "quarkus.datasource.username", TestDatabase.USER,
                "quarkus.datasource.password", TestDatabase.PASSWORD);
    }

    @Override
    public void stop() {
        // The cluster outlives each Quarkus app; TestDatabase stops it when the JVM exits.
    }
}

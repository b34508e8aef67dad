package io.fleetban.controller.decision;

import io.fleetban.controller.store.ChangeListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only with the ban feed loaded and the LISTEN connection up: otherwise long-polls would sleep. */
@Readiness
@ApplicationScoped
public class FeedHealth implements HealthCheck {

    @Inject
    DecisionFeed feed;
    @Inject
    ChangeListener listener;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ban feed")
                .status(feed.ready() && listener.connected())
                .withData("cursor", feed.cursor())
                .withData("listening", listener.connected())
                .build();
    }
}

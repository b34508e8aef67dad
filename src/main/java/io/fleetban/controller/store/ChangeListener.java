package io.fleetban.controller.store;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One LISTEN connection per replica, outside the pool: it turns other replicas' commits into
 * {@link Change} events within milliseconds, so a ban decided anywhere wakes the long-polls here.
 * After a reconnect it fires {@link Change#ALL}, because notifications sent meanwhile are lost.
 */
@ApplicationScoped
public class ChangeListener {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Inject
    Event<Change> changes;

    private volatile boolean running;
    private volatile boolean connected;
    private Thread thread;

    void start(@Observes StartupEvent ev) {
        running = true;
        thread = new Thread(this::loop, "fleetban-listen");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ev) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    public boolean connected() {
        return connected;
    }

    private void loop() {
        long backoff = 250;
        while (running) {
            try (Connection c = connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + Change.CHANNEL);
                }
                connected = true;
                backoff = 250;
                fire(Change.ALL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(1000);
                    if (batch == null) {
                        continue;
                    }
                    EnumSet<Change> seen = EnumSet.noneOf(Change.class);
                    for (PGNotification n : batch) {
                        seen.add(Change.valueOf(n.getParameter().toUpperCase(Locale.ROOT)));
                    }
                    seen.forEach(this::fire);
                }
            } catch (SQLException | RuntimeException e) {
                if (connected) {
                    LOG.warnf("LISTEN connection lost (%s); reconnecting", e.getMessage());
                }
                connected = false;
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "fleetban-listen");
        return DriverManager.getConnection(url, p);
    }

    private void fire(Change change) {
        try {
            changes.fire(change);
        } catch (RuntimeException e) {
            LOG.errorf(e, "refreshing after %s failed", change);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.fleetban.controller.store;

import io.agroal.api.AgroalDataSource;
import io.fleetban.controller.FleetbanConfig;
import io.fleetban.controller.allowlist.AllowlistService;
import io.fleetban.controller.ban.BanLedger;
import io.fleetban.core.net.Cidr;
import io.fleetban.core.time.Durations;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The controller's housekeeping, each job on one replica at a time: expired bans become unban
 * events, offense partitions are created ahead and dropped when no findtime can reach them,
 * receipts and old ban events are pruned, and allowlisted DNS names are re-resolved.
 */
@ApplicationScoped
public class Maintenance {

    private static final Logger LOG = Logger.getLogger(Maintenance.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    @Inject
    ClusterLock lock;
    @Inject
    BanLedger ledger;
    @Inject
    AllowlistService allowlist;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetbanConfig config;

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireBans() {
        quietly(ClusterLock.Job.EXPIRY, () -> {
            int n = ledger.expire();
            if (n > 0) {
                LOG.debugf("%d bans expired", n);
            }
        });
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void partitions() {
        quietly(ClusterLock.Job.PARTITIONS, this::maintainPartitions);
    }

    @Scheduled(every = "1h", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prune() {
        quietly(ClusterLock.Job.PRUNE, () -> {
            ledger.pruneEvents(Durations.parse(config.feed().eventRetention()));
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "DELETE FROM report_receipts WHERE received_at < now() - make_interval(secs => ?)")) {
                ps.setLong(1, Durations.parse(config.reports().receiptRetention()).getSeconds());
                ps.executeUpdate();
            }
        });
    }

    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resolveNames() {
        quietly(ClusterLock.Job.DNS, () -> {
            List<Cidr> added = allowlist.refreshNames();
            if (!added.isEmpty()) {
                ledger.liftWithin(added, BanLedger.LiftReason.ALLOWLIST);
            }
        });
    }

    /** Daily partitions from yesterday to three days ahead; drops the ones past retention. */
    public void maintainPartitions() throws SQLException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        long keepDays = Math.max(1, Durations.parse(config.reports().offenseRetention()).toDays());
        String oldest = "offenses_" + today.minusDays(keepDays).format(DAY);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT fleetban_offense_partitions(?::date, 5)")) {
                ps.setString(1, today.minusDays(1).toString());
                ps.execute();
            }
            List<String> old = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT child.relname FROM pg_inherits
                      JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
                      JOIN pg_class child ON child.oid = pg_inherits.inhrelid
                     WHERE parent.relname = 'offenses' AND child.relname ~ '^offenses_[0-9]{8}$'
                       AND child.relname < ?""")) {
                ps.setString(1, oldest);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        old.add(rs.getString(1));
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                for (String table : old) {
                    s.execute("DROP TABLE IF EXISTS " + table); // name matched ^offenses_[0-9]{8}$ above
                    LOG.infof("dropped offense partition %s", table);
                }
            }
        }
    }

    private void quietly(ClusterLock.Job job, ClusterLock.Work work) {
        try {
            lock.exclusively(job, work);
        } catch (SQLException e) {
            LOG.warnf("%s skipped: %s", job, e.getMessage());
        }
    }
}

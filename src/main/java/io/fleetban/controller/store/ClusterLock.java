package io.fleetban.controller.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Runs a job on one replica at a time, with a PostgreSQL advisory lock: a replica that finds the
 * lock taken skips this round, because another one is doing the work.
 */
@ApplicationScoped
public class ClusterLock {

    /** Lock keys; one per job. */
    public enum Job {
        EXPIRY(0x46420001L), PARTITIONS(0x46420002L), PRUNE(0x46420003L), DNS(0x46420004L);

        final long key;

        Job(long key) {
            this.key = key;
        }
    }

    public interface Work {
        void run() throws SQLException;
    }

    @Inject
    AgroalDataSource dataSource;

    /** Returns false when another replica holds the job. */
    public boolean exclusively(Job job, Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, job.key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return false;
                    }
                }
            }
            try {
                work.run();
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, job.key);
                    ps.execute();
                }
            }
            return true;
        }
    }
}

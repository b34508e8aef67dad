package io.fleetban.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.fleetban.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Offenses live in daily partitions; rows that fell into the default partition move when theirs is made. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class OffensePartitionsTest {

    @Inject
    AgroalDataSource db;
    @Inject
    Maintenance maintenance;

    @Test
    void todayAndTheNextDaysHaveTheirPartition() throws SQLException {
        maintenance.maintainPartitions();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int i = 0; i <= 3; i++) {
            String day = today.plusDays(i).toString().replace("-", "");
            assertThat(exists("offenses_" + day)).as(day).isTrue();
        }
    }

    @Test
    void rowsInTheDefaultPartitionMoveIntoANewDay() throws SQLException {
        LocalDate far = LocalDate.now(ZoneOffset.UTC).plusDays(40);
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO offenses (received_at, node, ip, kind, count, first_at, last_at)
                    VALUES (?::date + interval '1 hour', 'partition-test', '192.0.2.1', 'auth-failure', 1, now(), now())""")) {
                ps.setString(1, far.toString());
                ps.executeUpdate();
            }
            assertThat(count(c, "offenses_default")).isEqualTo(1);
            try (PreparedStatement ps = c.prepareStatement("SELECT fleetban_offense_partitions(?::date, 1)")) {
                ps.setString(1, far.toString());
                ps.execute();
            }
            assertThat(count(c, "offenses_default")).isZero();
            assertThat(count(c, "offenses_" + far.toString().replace("-", ""))).isEqualTo(1);
            try (PreparedStatement ps = c.prepareStatement(
                    "DROP TABLE offenses_" + far.toString().replace("-", ""))) {
                ps.execute();
            }
        }
    }

    private boolean exists(String table) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE node = 'partition-test'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

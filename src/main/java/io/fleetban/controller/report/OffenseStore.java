package io.fleetban.controller.report;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Stores a report as one transaction: its receipt (the (node, seq) that makes a resend count
 * once), its offenses as a single multi-row insert, and the node's running totals.
 */
@ApplicationScoped
public class OffenseStore {

    @Inject
    AgroalDataSource dataSource;

    /** Returns false, storing nothing, when this (node, seq) was already stored. */
    @Transactional
    public boolean store(Report report) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!receipt(c, report)) {
                return false;
            }
            List<ReportEvent> events = report.events();
            if (!events.isEmpty()) {
                insertOffenses(c, report.node(), events);
                addTotals(c, report.node(), events);
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE nodes SET last_report_at = now(), last_seq = greatest(coalesce(last_seq, -1), ?)
                     WHERE name = ?""")) {
                ps.setLong(1, report.seq());
                ps.setString(2, report.node());
                ps.executeUpdate();
            }
            return true;
        }
    }

    private static boolean receipt(Connection c, Report report) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO report_receipts (node, seq, events) VALUES (?, ?, ?)
                ON CONFLICT (node, seq) DO NOTHING""")) {
            ps.setString(1, report.node());
            ps.setLong(2, report.seq());
            ps.setInt(3, report.events().size());
            return ps.executeUpdate() == 1;
        }
    }

    private static void insertOffenses(Connection c, String node, List<ReportEvent> events) throws SQLException {
        int n = events.size();
        String[] ips = new String[n];
        String[] kinds = new String[n];
        Integer[] counts = new Integer[n];
        String[] firsts = new String[n];
        String[] lasts = new String[n];
        String[] samples = new String[n];
        for (int i = 0; i < n; i++) {
            ReportEvent e = events.get(i);
            ips[i] = e.ip().toString();
            kinds[i] = e.kind().wireName();
            counts[i] = e.count();
            firsts[i] = e.first().toString();
            lasts[i] = e.last().toString();
            samples[i] = e.sample() == null ? null : e.sample().replace('\u0000', '\uFFFD');
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO offenses (node, ip, kind, count, first_at, last_at, sample)
                SELECT ?, ip::inet, kind, count, first_at::timestamptz, last_at::timestamptz, sample
                  FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[])
                       AS e (ip, kind, count, first_at, last_at, sample)""")) {
            ps.setString(1, node);
            ps.setArray(2, c.createArrayOf("text", ips));
            ps.setArray(3, c.createArrayOf("text", kinds));
            ps.setArray(4, c.createArrayOf("int4", counts));
            ps.setArray(5, c.createArrayOf("text", firsts));
            ps.setArray(6, c.createArrayOf("text", lasts));
            ps.setArray(7, c.createArrayOf("text", samples));
            ps.executeUpdate();
        }
    }

    private static void addTotals(Connection c, String node, List<ReportEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO failure_totals (node, kind, total)
                SELECT ?, kind, sum(count) FROM unnest(?::text[], ?::int[]) AS e (kind, count) GROUP BY kind
                ON CONFLICT (node, kind) DO UPDATE SET total = failure_totals.total + EXCLUDED.total""")) {
            ps.setString(1, node);
            ps.setArray(2, c.createArrayOf("text", events.stream().map(e -> e.kind().wireName()).toArray()));
            ps.setArray(3, c.createArrayOf("int4", events.stream().map(ReportEvent::count).toArray()));
            ps.executeUpdate();
        }
    }
}

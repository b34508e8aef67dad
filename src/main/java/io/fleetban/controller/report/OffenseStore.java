package io.fleetban.controller.report;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.postgresql.PGConnection;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Stores a report as one transaction: its receipt (the (node, seq) that makes a resend count
 * once), its offenses as a single COPY, and the node's running totals.
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

    /**
     * One COPY for all of the report's events: PostgreSQL parses the rows in its COPY path, several
     * times cheaper than an INSERT of the same rows (measured: see BENCHMARKS.md, "Ingestion").
     */
    private static void insertOffenses(Connection c, String node, List<ReportEvent> events) throws SQLException {
        StringBuilder rows = new StringBuilder(events.size() * 96);
        String nodeField = copyField(node);
        for (ReportEvent e : events) {
            rows.append(nodeField).append('\t')
                    .append(e.ip()).append('\t')
                    .append(e.kind().wireName()).append('\t')
                    .append(e.count()).append('\t')
                    .append(e.first()).append('\t')
                    .append(e.last()).append('\t')
                    .append(e.sample() == null ? "\\N" : copyField(e.sample())).append('\n');
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY offenses (node, ip, kind, count, first_at, last_at, sample) FROM STDIN",
                    new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY of offenses failed", e);
        }
    }

    /** A value in COPY's text format: backslash, tab and line breaks escaped; NUL (which text can't hold) replaced. */
    static String copyField(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            String escaped = switch (ch) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\u0000' -> "\uFFFD";
                default -> null;
            };
            if (escaped != null && sb == null) {
                sb = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (sb != null) {
                if (escaped != null) {
                    sb.append(escaped);
                } else {
                    sb.append(ch);
                }
            }
        }
        return sb == null ? value : sb.toString();
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

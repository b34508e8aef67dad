package io.fleetban.controller.report;

import java.util.List;

/** A validated report: one node's failures since its previous report, numbered by {@code seq}. */
public record Report(String node, long seq, List<ReportEvent> events) {
}

package io.fleetban.controller.report;

import io.fleetban.core.failure.FailureKind;
import io.fleetban.core.net.IpAddress;
import java.time.Instant;

/** Failures of one ip and kind on the reporting node, times already on the controller's clock. */
public record ReportEvent(IpAddress ip, FailureKind kind, int count, Instant first, Instant last, String sample) {
}

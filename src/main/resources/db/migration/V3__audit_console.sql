-- Who did what through the admin API (manual bans and unbans, jail edits, allowlist changes,
-- node tokens, the breaker): append-only, read newest first. No sequence: ids are random UUIDs.
CREATE TABLE audit_log (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor    text NOT NULL,
    action   text NOT NULL,
    target   text,
    details  jsonb NOT NULL DEFAULT '{}',
    address  inet
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_action ON audit_log (action, at DESC);

-- Failures per minute for the console's chart. Every replica copies the cluster-wide running
-- totals of failure_totals here every few seconds; a minute's failures are its total minus the
-- one before. Totals only grow, so of two replicas writing the same minute the greater one wins.
CREATE TABLE failure_minutes (
    minute  timestamptz NOT NULL,
    kind    text NOT NULL,
    total   bigint NOT NULL,
    PRIMARY KEY (minute, kind)
);
-- The totals so far belong to the past: the chart starts counting from here.
INSERT INTO failure_minutes (minute, kind, total)
SELECT date_trunc('minute', now()) - interval '1 minute', kind, sum(total) FROM failure_totals GROUP BY kind;

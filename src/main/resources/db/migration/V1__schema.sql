-- Fleetban's schema. PostgreSQL is the only shared state: controllers keep caches, never truth.

-- Jails: which failure kinds count, how many within findtime ban, for how long (fail2ban's words).
CREATE TABLE jails (
    name              text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    kinds             text[] NOT NULL CHECK (cardinality(kinds) > 0),
    maxretry          integer NOT NULL CHECK (maxretry >= 1),
    findtime_s        integer NOT NULL CHECK (findtime_s >= 1),
    bantime_s         bigint NOT NULL CHECK (bantime_s >= 1),
    increment         boolean NOT NULL,
    increment_factor  double precision NOT NULL CHECK (increment_factor > 0),
    increment_max_s   bigint NOT NULL CHECK (increment_max_s >= 1),
    enabled           boolean NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- fail2ban's ignoreip: never banned. DNS names are resolved on a schedule into `resolved`.
CREATE TABLE allowlist (
    value        text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('ip', 'cidr', 'dns')),
    note         text,
    resolved     text[] NOT NULL DEFAULT '{}',
    resolved_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text
);

CREATE TABLE nodes (
    name            text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_report_at  timestamptz,
    last_seq        bigint,
    last_poll_at    timestamptz,
    poll_cursor     bigint
);

-- Bearer tokens, stored as SHA-256 of the token; the token itself is shown once.
CREATE TABLE tokens (
    hash           bytea PRIMARY KEY,
    name           text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'agent')),
    node           text REFERENCES nodes (name) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    -- The CrowdSec stream's per-key cursor: what this key's previous request already got.
    stream_cursor  bigint,
    CHECK ((role = 'agent') = (node IS NOT NULL))
);
CREATE INDEX tokens_node ON tokens (node);

-- Idempotency: a (node, seq) is counted once however often the agent resends it.
CREATE TABLE report_receipts (
    node         text NOT NULL,
    seq          bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    events       integer NOT NULL,
    PRIMARY KEY (node, seq)
);
CREATE INDEX report_receipts_received ON report_receipts (received_at);

-- Offenses: failures of one ip and kind seen by one node, aggregated by the agent. Only the
-- longest findtime matters for bans, so the table is partitioned by day of arrival and old
-- partitions are dropped whole (see OffensePartitions), never deleted row by row.
CREATE TABLE offenses (
    received_at  timestamptz NOT NULL DEFAULT now(),
    node         text NOT NULL,
    ip           inet NOT NULL,
    kind         text NOT NULL,
    count        integer NOT NULL CHECK (count >= 1),
    first_at     timestamptz NOT NULL,
    last_at      timestamptz NOT NULL,
    sample       text
) PARTITION BY RANGE (received_at);
CREATE INDEX offenses_ip_last ON offenses (ip, last_at);
CREATE TABLE offenses_default PARTITION OF offenses DEFAULT;

-- Creates the daily partitions from `from_day` for `days` days; safe to call again. Rows that
-- landed in the default partition meanwhile (the controller was down for days) move into the new
-- partition, which PostgreSQL would otherwise refuse to create.
CREATE FUNCTION fleetban_offense_partitions(from_day date, days integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d date;
    part text;
    lo timestamptz;
    hi timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('fleetban_offense_partitions')); -- replicas start together
    FOR i IN 0 .. days - 1 LOOP
        d := from_day + i;
        part := 'offenses_' || to_char(d, 'YYYYMMDD');
        lo := d::timestamp AT TIME ZONE 'UTC';  -- days are UTC days whatever the session's zone
        hi := (d + 1)::timestamp AT TIME ZONE 'UTC';
        IF to_regclass(part) IS NULL THEN
            IF EXISTS (SELECT 1 FROM offenses_default WHERE received_at >= lo AND received_at < hi) THEN
                CREATE TEMP TABLE offenses_moving (LIKE offenses) ON COMMIT DROP;
                WITH moved AS (DELETE FROM offenses_default WHERE received_at >= lo AND received_at < hi
                            RETURNING *)
                INSERT INTO offenses_moving SELECT * FROM moved;
                EXECUTE format('CREATE TABLE %I PARTITION OF offenses FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
                INSERT INTO offenses SELECT * FROM offenses_moving;
                DROP TABLE offenses_moving;
            ELSE
                EXECUTE format('CREATE TABLE %I PARTITION OF offenses FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
            END IF;
        END IF;
    END LOOP;
END $$;
SELECT fleetban_offense_partitions((now() AT TIME ZONE 'UTC')::date - 1, 4);

-- Failures ever reported, per node and kind: fail2ban-client's "Total failed" outlives the
-- offense partitions. One row per node, so nodes never contend on it.
CREATE TABLE failure_totals (
    node   text NOT NULL,
    kind   text NOT NULL,
    total  bigint NOT NULL,
    PRIMARY KEY (node, kind)
);

-- Bans. A ban's id is the id of the ban event that created it, so the schema needs no sequence
-- outside the ban-event log. At most one active (not lifted) ban per ip or range, enforced here.
CREATE TABLE bans (
    id           bigint PRIMARY KEY,
    ip           cidr NOT NULL,
    jail         text NOT NULL,
    origin       text NOT NULL CHECK (origin IN ('auto', 'manual')),
    reason       text NOT NULL,
    failures     integer NOT NULL DEFAULT 0,
    ban_count    integer NOT NULL DEFAULT 1,
    evidence     jsonb NOT NULL DEFAULT '{}',
    created_by   text,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    lifted_at    timestamptz,
    lift_reason  text CHECK (lift_reason IN ('expired', 'unban', 'allowlist', 'replaced'))
);
CREATE UNIQUE INDEX bans_one_active ON bans (ip) WHERE lifted_at IS NULL;
CREATE INDEX bans_history ON bans (ip, jail, created_at);
CREATE INDEX bans_expiring ON bans (expires_at) WHERE lifted_at IS NULL;

-- The ordered, gap-free log agents follow. Ids come from ban_event_log.last_id, taken under that
-- row's lock in the same transaction, so they commit in order and a reader never skips one.
CREATE TABLE ban_events (
    id          bigint PRIMARY KEY,
    type        text NOT NULL CHECK (type IN ('ban', 'unban')),
    ip          cidr NOT NULL,
    jail        text NOT NULL,
    ban_id      bigint NOT NULL,
    expires_at  timestamptz,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Controllers serve followers from memory and answer a cursor older than what they hold with a
-- full snapshot, so old events are only history here and are pruned by age.
CREATE TABLE ban_event_log (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id    bigint NOT NULL
);
-- Cursor 0 asks for a snapshot in the API, so even the empty log has a cursor a follower can wait on.
INSERT INTO ban_event_log (last_id) VALUES (1);
CREATE INDEX ban_events_created ON ban_events (created_at);

-- Defaults from application.properties are seeded once, so an operator's later edits stay.
CREATE TABLE seeded (
    name       text PRIMARY KEY,
    seeded_at  timestamptz NOT NULL DEFAULT now()
);

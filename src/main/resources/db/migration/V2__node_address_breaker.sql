-- Where each node's requests come from: a node's own address is never banned.
ALTER TABLE nodes ADD COLUMN address inet;

-- The ban-storm breaker: when more automatic bans arrive in a minute than an operator would ever
-- expect, new automatic bans are held (alert-only) until an admin confirms. One row, cluster-wide.
CREATE TABLE breaker (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    tripped_at    timestamptz,
    reason        text,
    confirmed_at  timestamptz,
    confirmed_by  text
);
INSERT INTO breaker DEFAULT VALUES;

-- Bans the breaker held back: what would have been banned, for the operator to review.
CREATE TABLE held_bans (
    ip         cidr NOT NULL,
    jail       text NOT NULL,
    failures   integer NOT NULL,
    reason     text NOT NULL,
    held_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX held_bans_held_at ON held_bans (held_at);
CREATE INDEX bans_created ON bans (created_at);

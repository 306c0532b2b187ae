-- AiOs PostgreSQL schema, migration 1: grain state and reminders.
-- Runs inside the migration transaction with search_path set to the configured schema, so names are unqualified.

-- One row per grain and state name. A cleared state keeps its row with a NULL payload (a tombstone) so that its version
-- keeps increasing and an ETag is never issued twice for the same key.
CREATE TABLE aios_grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    partition   integer     NOT NULL,
    payload     jsonb       NULL,
    version     bigint      NOT NULL,
    written_by  text        NOT NULL,
    written_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE aios_reminders (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    name        text        NOT NULL,
    partition   integer     NOT NULL,
    start_at    timestamptz NOT NULL,
    period      bigint      NOT NULL, -- milliseconds
    next_due    timestamptz NOT NULL,
    version     bigint      NOT NULL,
    written_by  text        NOT NULL,
    written_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX aios_reminders_partition_due ON aios_reminders (partition, next_due);

-- Reminder versions come from one sequence instead of restarting at 1 per row: a reminder that is removed and
-- registered again must not get an ETag its previous incarnation had, or a stale AdvanceAsync would succeed on it.
CREATE SEQUENCE aios_reminder_versions AS bigint;

-- AiOs SQLite schema, migration 1: grain state and reminders.
-- Times are INTEGER microseconds since the Unix epoch (UTC), the precision PostgreSQL keeps, so that both providers
-- round-trip the same values.

-- One row per grain and state name. A cleared state keeps its row with a NULL payload (a tombstone) so that its version
-- keeps increasing and an ETag is never issued twice for the same key.
CREATE TABLE aios_grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    "partition" INTEGER NOT NULL,
    -- json_valid() keeps parity with PostgreSQL's jsonb, which refuses text that is not JSON.
    payload     TEXT    NULL CHECK (payload IS NULL OR json_valid(payload)),
    version     INTEGER NOT NULL,
    written_by  TEXT    NOT NULL,
    written_at  INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

CREATE TABLE aios_reminders (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    "partition" INTEGER NOT NULL,
    start_at    INTEGER NOT NULL,
    period      INTEGER NOT NULL, -- milliseconds
    next_due    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    written_by  TEXT    NOT NULL,
    written_at  INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX aios_reminders_partition_due ON aios_reminders ("partition", next_due);

-- Reminder versions come from one table-wide counter instead of restarting at 1 per row: a reminder that is removed
-- and registered again must not get an ETag its previous incarnation had, or a stale AdvanceAsync would succeed on it.
-- The triggers keep the counter at the highest version ever written, inside the writing statement.
CREATE TABLE aios_reminder_versions (last INTEGER NOT NULL);
INSERT INTO aios_reminder_versions (last) VALUES (0);

CREATE TRIGGER aios_reminders_version_insert AFTER INSERT ON aios_reminders
BEGIN
    UPDATE aios_reminder_versions SET last = NEW.version WHERE last < NEW.version;
END;

CREATE TRIGGER aios_reminders_version_update AFTER UPDATE OF version ON aios_reminders
BEGIN
    UPDATE aios_reminder_versions SET last = NEW.version WHERE last < NEW.version;
END;

-- AiOs SQLite schema, migration 5: recurring and one-off schedules. One row per schedule, written only by its schedule
-- grain with compare-and-swap on version; read by any silo to list schedules. Times are INTEGER microseconds (UTC).

CREATE TABLE aios_schedules (
    schedule_id TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    spec        TEXT    NOT NULL CHECK (json_valid(spec)),
    progress    TEXT    NOT NULL CHECK (json_valid(progress)),
    next_run_at INTEGER NULL,
    version     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL
);

-- Listing is by next run time.
CREATE INDEX aios_schedules_next_run ON aios_schedules (next_run_at, schedule_id);

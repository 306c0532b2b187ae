-- AiOs PostgreSQL schema, migration 5: recurring and one-off schedules. One row per schedule, written only by its schedule
-- grain with compare-and-swap on version; read by any silo to list schedules.

CREATE TABLE aios_schedules (
    schedule_id text        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    status      text        NOT NULL,
    spec        jsonb       NOT NULL,
    progress    jsonb       NOT NULL,
    next_run_at timestamptz NULL,
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text        NOT NULL
);

-- Listing is by next run time.
CREATE INDEX aios_schedules_next_run ON aios_schedules (next_run_at, schedule_id);

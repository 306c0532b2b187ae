-- AiOs SQLite schema, migration 3: the workforce's event log and action ledger.
-- Times are INTEGER microseconds since the Unix epoch (UTC), as in migration 1.

-- The append-only, hash-chained log of every change of business state (see EventHashing in AiOs.Persistence).
-- sequence is assigned inside the appending transaction from the head row, so it has no gaps and the chain is one line.
-- The personal part of an event (stream_key, payload) enters the chain only through content_digest, a digest salted per
-- event: erasing stream_key, payload and salt keeps every hash verifiable.
CREATE TABLE aios_events (
    sequence       INTEGER NOT NULL PRIMARY KEY,
    occurred_at    INTEGER NOT NULL,
    stream_type    TEXT    NOT NULL,
    stream_key     TEXT    NULL,
    revision       INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    payload        TEXT    NULL CHECK (payload IS NULL OR json_valid(payload)),
    source         TEXT    NOT NULL,
    actor          TEXT    NOT NULL,
    reference      TEXT    NULL,
    salt           BLOB    NULL,
    content_digest BLOB    NOT NULL,
    hash           BLOB    NOT NULL,
    written_by     TEXT    NOT NULL,
    erased_at      INTEGER NULL
);

-- One event per stream revision: the second of two writers of a stream fails here. Erased events (NULL key) leave it.
CREATE UNIQUE INDEX aios_events_stream ON aios_events (stream_type, stream_key, revision);

-- The end of the chain: the last sequence and its hash.
CREATE TABLE aios_event_head (
    id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_sequence INTEGER NOT NULL,
    last_hash     BLOB    NOT NULL
);

INSERT INTO aios_event_head (id, last_sequence, last_hash) VALUES (1, 0, zeroblob(32));

-- Append-only in the database itself: events cannot be deleted, and the only update allowed is erasure, which nulls the
-- personal part and records when. (Someone who can drop these triggers can still tamper; the hash chain detects that.)
CREATE TRIGGER aios_events_no_delete BEFORE DELETE ON aios_events
BEGIN
    SELECT RAISE(ABORT, 'aios_events is append-only: DELETE is not allowed');
END;

CREATE TRIGGER aios_events_erase_only BEFORE UPDATE ON aios_events
WHEN NOT (
    NEW.sequence = OLD.sequence AND NEW.occurred_at = OLD.occurred_at AND NEW.stream_type = OLD.stream_type
    AND NEW.revision = OLD.revision AND NEW.kind = OLD.kind AND NEW.source = OLD.source AND NEW.actor = OLD.actor
    AND NEW.reference IS OLD.reference AND NEW.content_digest = OLD.content_digest AND NEW.hash = OLD.hash
    AND NEW.written_by = OLD.written_by
    AND NEW.stream_key IS NULL AND NEW.payload IS NULL AND NEW.salt IS NULL AND NEW.erased_at IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'aios_events is append-only: UPDATE is not allowed (only erasure of an event''s stream key and payload is)');
END;

-- The outbox of external actions: the intent is written before a call and the result after, keyed by a deterministic
-- idempotency key. Status changes are compare-and-swap on version.
CREATE TABLE aios_action_ledger (
    idempotency_key TEXT    NOT NULL PRIMARY KEY,
    goal_id         TEXT    NOT NULL,
    task_id         TEXT    NOT NULL,
    step            INTEGER NOT NULL,
    action          TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    request         TEXT    NOT NULL CHECK (json_valid(request)),
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    result          TEXT    NULL,
    error           TEXT    NULL,
    resolution      TEXT    NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT    NOT NULL
);

CREATE INDEX aios_action_ledger_goal ON aios_action_ledger (goal_id, task_id, step);
CREATE INDEX aios_action_ledger_status ON aios_action_ledger (status, created_at);

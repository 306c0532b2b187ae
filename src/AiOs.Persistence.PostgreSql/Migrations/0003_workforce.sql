-- AiOs PostgreSQL schema, migration 3: the workforce's event log and action ledger.
-- Runs inside the migration transaction with search_path set to the configured schema, so names are unqualified.

-- The append-only, hash-chained log of every change of business state (see EventHashing in AiOs.Persistence).
-- sequence is assigned under the head row's lock, so it has no gaps and the chain is one line. The personal part of an
-- event (stream_key, payload) enters the chain only through content_digest, a digest salted per event: erasing
-- stream_key, payload and salt keeps every hash verifiable. Payloads are text, not jsonb: the digest covers their exact
-- characters, which jsonb would normalize.
CREATE TABLE aios_events (
    sequence       bigint      NOT NULL PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    stream_type    text        NOT NULL,
    stream_key     text        NULL,
    revision       bigint      NOT NULL,
    kind           text        NOT NULL,
    payload        text        NULL,
    source         text        NOT NULL,
    actor          text        NOT NULL,
    reference      text        NULL,
    salt           bytea       NULL,
    content_digest bytea       NOT NULL,
    hash           bytea       NOT NULL,
    written_by     text        NOT NULL,
    erased_at      timestamptz NULL
);

-- One event per stream revision: the second of two writers of a stream fails here. Erased events (NULL key) leave it.
CREATE UNIQUE INDEX aios_events_stream ON aios_events (stream_type, stream_key, revision);

-- The end of the chain: the last sequence and its hash. Appends lock this row, which orders them.
CREATE TABLE aios_event_head (
    id            integer NOT NULL PRIMARY KEY CHECK (id = 1),
    last_sequence bigint  NOT NULL,
    last_hash     bytea   NOT NULL
);

INSERT INTO aios_event_head (id, last_sequence, last_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- Append-only in the database itself: events cannot be deleted or truncated, and the only update allowed is erasure,
-- which nulls the personal part and records when. (Someone with the right to drop this trigger can still tamper; the
-- hash chain is what detects that.)
CREATE FUNCTION aios_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.sequence = OLD.sequence AND NEW.occurred_at = OLD.occurred_at AND NEW.stream_type = OLD.stream_type
       AND NEW.revision = OLD.revision AND NEW.kind = OLD.kind AND NEW.source = OLD.source AND NEW.actor = OLD.actor
       AND NEW.reference IS NOT DISTINCT FROM OLD.reference AND NEW.content_digest = OLD.content_digest
       AND NEW.hash = OLD.hash AND NEW.written_by = OLD.written_by
       AND NEW.stream_key IS NULL AND NEW.payload IS NULL AND NEW.salt IS NULL AND NEW.erased_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'aios_events is append-only: % is not allowed (only erasure of an event''s stream key and payload is)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER aios_events_append_only BEFORE UPDATE OR DELETE ON aios_events
    FOR EACH ROW EXECUTE FUNCTION aios_events_append_only();

CREATE TRIGGER aios_events_no_truncate BEFORE TRUNCATE ON aios_events
    FOR EACH STATEMENT EXECUTE FUNCTION aios_events_append_only();

-- The outbox of external actions: the intent is written before a call and the result after, keyed by a deterministic
-- idempotency key. Status changes are compare-and-swap on version.
CREATE TABLE aios_action_ledger (
    idempotency_key text        NOT NULL PRIMARY KEY,
    goal_id         text        NOT NULL,
    task_id         text        NOT NULL,
    step            integer     NOT NULL,
    action          text        NOT NULL,
    target          text        NOT NULL,
    request         text        NOT NULL,
    status          text        NOT NULL,
    attempts        integer     NOT NULL,
    result          text        NULL,
    error           text        NULL,
    resolution      text        NULL,
    version         bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    updated_by      text        NOT NULL
);

CREATE INDEX aios_action_ledger_goal ON aios_action_ledger (goal_id, task_id, step);
CREATE INDEX aios_action_ledger_status ON aios_action_ledger (status, created_at);

-- AiOs SQLite schema: memory items, their full-text index and each scope's version.
-- Times are INTEGER microseconds since the Unix epoch (UTC), as in migration 1.

-- Items never change once stored (they are added and removed), so the index needs no update trigger. seq is the rowid
-- the full-text index refers to; item_id is the item's identity.
CREATE TABLE aios_memory_items (
    seq            INTEGER NOT NULL PRIMARY KEY,
    item_id        TEXT    NOT NULL UNIQUE,
    scope_kind     TEXT    NOT NULL,
    scope_id       TEXT    NOT NULL,
    -- A digest of the scope as one word, indexed with the text so that a search matches within its scope inside the
    -- index. Isolation does not rest on it: every search also compares scope_kind and scope_id exactly.
    scope_token    TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    actor          TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    event_sequence INTEGER NULL,
    reference      TEXT    NULL,
    confidence     REAL    NOT NULL,
    embedding      BLOB    NOT NULL,
    source_items   TEXT    NOT NULL CHECK (json_valid(source_items)),
    role           TEXT    NULL,
    customer_id    TEXT    NULL
);

CREATE INDEX aios_memory_items_scope ON aios_memory_items (scope_kind, scope_id, created_at, item_id);
CREATE INDEX aios_memory_items_customer ON aios_memory_items (customer_id) WHERE customer_id IS NOT NULL;

CREATE VIRTUAL TABLE aios_memory_fts USING fts5(
    scope_token, text, content = 'aios_memory_items', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER aios_memory_items_indexed AFTER INSERT ON aios_memory_items
BEGIN
    INSERT INTO aios_memory_fts (rowid, scope_token, text) VALUES (NEW.seq, NEW.scope_token, NEW.text);
END;

CREATE TRIGGER aios_memory_items_unindexed AFTER DELETE ON aios_memory_items
BEGIN
    INSERT INTO aios_memory_fts (aios_memory_fts, rowid, scope_token, text) VALUES ('delete', OLD.seq, OLD.scope_token, OLD.text);
END;

-- Each scope's version, drawn from one counter for the whole database: a forgotten scope filled anew never repeats a
-- version it had before (the model-response cache keys on it).
CREATE TABLE aios_memory_scopes (
    scope_kind TEXT    NOT NULL,
    scope_id   TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    PRIMARY KEY (scope_kind, scope_id)
);

CREATE TABLE aios_memory_version_counter (last INTEGER NOT NULL);
INSERT INTO aios_memory_version_counter (last) VALUES (0);

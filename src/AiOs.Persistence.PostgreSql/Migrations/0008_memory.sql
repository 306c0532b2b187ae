-- AiOs PostgreSQL schema: memory items, their full-text index and each scope's version.
-- Runs inside the migration transaction with search_path set to the configured schema, so names are unqualified.

-- Items never change once stored (they are added and removed). The text is indexed with the 'simple' configuration
-- (lowercased words, no stemming, no stop words), which matches what SQLite's unicode61 tokenizer does.
CREATE TABLE aios_memory_items (
    item_id        text             NOT NULL PRIMARY KEY,
    scope_kind     text             NOT NULL,
    scope_id       text             NOT NULL,
    kind           text             NOT NULL,
    text           text             NOT NULL,
    source         text             NOT NULL,
    actor          text             NOT NULL,
    created_at     timestamptz      NOT NULL,
    event_sequence bigint           NULL,
    reference      text             NULL,
    confidence     double precision NOT NULL,
    embedding      bytea            NOT NULL,
    source_items   text             NOT NULL, -- a JSON array of item ids
    role           text             NULL,
    customer_id    text             NULL,
    tsv            tsvector         GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED
);

CREATE INDEX aios_memory_items_scope ON aios_memory_items (scope_kind, scope_id, created_at, item_id);
CREATE INDEX aios_memory_items_text ON aios_memory_items USING gin (tsv);
CREATE INDEX aios_memory_items_customer ON aios_memory_items (customer_id) WHERE customer_id IS NOT NULL;

-- Each scope's version, drawn from one sequence for the whole database (under the scope's lock, so that a scope's
-- versions only rise): a forgotten scope filled anew never repeats a version it had before.
CREATE TABLE aios_memory_scopes (
    scope_kind text   NOT NULL,
    scope_id   text   NOT NULL,
    version    bigint NOT NULL,
    PRIMARY KEY (scope_kind, scope_id)
);

CREATE SEQUENCE aios_memory_versions AS bigint;

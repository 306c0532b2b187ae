-- AiOs SQLite schema, migration 4: API keys. Only a hash of each key's secret part is stored.

CREATE TABLE aios_api_keys (
    key_id      TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    scope       TEXT    NOT NULL,
    secret_hash BLOB    NOT NULL,
    is_initial  INTEGER NOT NULL DEFAULT 0 CHECK (is_initial IN (0, 1)),
    created_at  INTEGER NOT NULL, -- microseconds since the Unix epoch
    created_by  TEXT    NOT NULL,
    revoked_at  INTEGER NULL,
    revoked_by  TEXT    NULL
);

-- At most one key generated at first start, ever: the insert of a second one conflicts here and does nothing.
CREATE UNIQUE INDEX aios_api_keys_one_initial ON aios_api_keys (is_initial) WHERE is_initial = 1;

-- AiOs PostgreSQL schema, migration 4: API keys. Only a hash of each key's secret part is stored.

CREATE TABLE aios_api_keys (
    key_id      text        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    scope       text        NOT NULL,
    secret_hash bytea       NOT NULL,
    is_initial  boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    revoked_at  timestamptz NULL,
    revoked_by  text        NULL
);

-- At most one key generated at first start, ever: of several silos starting at once, one insert wins and the others'
-- conflict here and do nothing.
CREATE UNIQUE INDEX aios_api_keys_one_initial ON aios_api_keys (is_initial) WHERE is_initial;

-- AiOs SQLite schema: spend of model calls and the budgets that cap it.

-- One row per model call, with who it was for. day is the call's UTC date (yyyy-MM-dd), for grouping by day.
CREATE TABLE aios_spend (
    call_id       TEXT    NOT NULL PRIMARY KEY,
    occurred_at   INTEGER NOT NULL, -- microseconds since the Unix epoch
    day           TEXT    NOT NULL,
    goal_id       TEXT    NULL,
    task_id       TEXT    NULL,
    role          TEXT    NULL,
    customer_id   TEXT    NULL,
    model         TEXT    NOT NULL,
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_micros   INTEGER NOT NULL
);

CREATE INDEX aios_spend_time ON aios_spend (occurred_at);

-- The caps the operator set. scope is goal, role, customer or day; subject is '' for day.
CREATE TABLE aios_budgets (
    scope        TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    limit_micros INTEGER NOT NULL CHECK (limit_micros >= 0),
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT    NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- What counts against each budget key in a period ('' for a goal's whole life, else the UTC date): spent by settled
-- calls and reserved by calls in flight. Kept for every key a call touches, budget or not, so that a budget set later
-- sees what was already spent.
CREATE TABLE aios_spend_totals (
    scope           TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    period          TEXT    NOT NULL,
    spent_micros    INTEGER NOT NULL,
    reserved_micros INTEGER NOT NULL,
    PRIMARY KEY (scope, subject, period)
);

-- Calls in flight: the estimate held, and the subject and period it is held in (to release exactly that).
CREATE TABLE aios_spend_reservations (
    reservation_id TEXT    NOT NULL PRIMARY KEY,
    created_at     INTEGER NOT NULL,
    goal_id        TEXT    NULL,
    role           TEXT    NULL,
    customer_id    TEXT    NULL,
    amount_micros  INTEGER NOT NULL
);

CREATE INDEX aios_spend_reservations_time ON aios_spend_reservations (created_at);

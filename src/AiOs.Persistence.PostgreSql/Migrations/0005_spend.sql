-- AiOs PostgreSQL schema: spend of model calls and the budgets that cap it.

-- One row per model call, with who it was for. day is the call's UTC date (yyyy-MM-dd), for grouping by day.
CREATE TABLE aios_spend (
    call_id       text    NOT NULL PRIMARY KEY,
    occurred_at   timestamptz NOT NULL,
    day           text    NOT NULL,
    goal_id       text    NULL,
    task_id       text    NULL,
    role          text    NULL,
    customer_id   text    NULL,
    model         text    NOT NULL,
    input_tokens  bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cost_micros   bigint NOT NULL
);

CREATE INDEX aios_spend_time ON aios_spend (occurred_at);

-- The caps the operator set. scope is goal, role, customer or day; subject is '' for day.
CREATE TABLE aios_budgets (
    scope        text    NOT NULL,
    subject      text    NOT NULL,
    limit_micros bigint NOT NULL CHECK (limit_micros >= 0),
    updated_at   timestamptz NOT NULL,
    updated_by   text    NOT NULL,
    PRIMARY KEY (scope, subject)
);

-- What counts against each budget key in a period ('' for a goal's whole life, else the UTC date): spent by settled
-- calls and reserved by calls in flight. Kept for every key a call touches, budget or not, so that a budget set later
-- sees what was already spent.
CREATE TABLE aios_spend_totals (
    scope           text    NOT NULL,
    subject         text    NOT NULL,
    period          text    NOT NULL,
    spent_micros    bigint NOT NULL,
    reserved_micros bigint NOT NULL,
    PRIMARY KEY (scope, subject, period)
);

-- Calls in flight: the estimate held, and the subject and period it is held in (to release exactly that).
CREATE TABLE aios_spend_reservations (
    reservation_id text    NOT NULL PRIMARY KEY,
    created_at     timestamptz NOT NULL,
    goal_id        text    NULL,
    role           text    NULL,
    customer_id    text    NULL,
    amount_micros  bigint NOT NULL
);

CREATE INDEX aios_spend_reservations_time ON aios_spend_reservations (created_at);

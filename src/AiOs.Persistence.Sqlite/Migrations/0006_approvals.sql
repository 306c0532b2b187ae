-- AiOs SQLite schema: the approval queue and the log of policy decisions.
-- Times are INTEGER microseconds since the Unix epoch (UTC), as in migration 1.

-- Side effects waiting for the operator. The id derives from the action's ledger key, so queuing twice is a no-op.
-- Decisions are compare-and-swap on version: of two racing decisions exactly one wins.
CREATE TABLE aios_approvals (
    approval_id     TEXT    NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL,
    goal_id         TEXT    NOT NULL,
    task_id         TEXT    NOT NULL,
    action_key      TEXT    NOT NULL,
    action_kind     TEXT    NOT NULL,
    risk_class      TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    policy_rule     TEXT    NOT NULL,
    policy_reason   TEXT    NOT NULL,
    confidence      REAL    NOT NULL,
    sources         TEXT    NOT NULL CHECK (json_valid(sources)),
    status          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    deadline        INTEGER NOT NULL,
    grace_ends_at   INTEGER NOT NULL,
    default_action  TEXT    NOT NULL,
    decided_by      TEXT    NULL,
    decided_at      INTEGER NULL,
    decision_reason TEXT    NULL,
    final_payload   TEXT    NULL CHECK (final_payload IS NULL OR json_valid(final_payload)),
    escalated_at    INTEGER NULL,
    version         INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT    NOT NULL
);

CREATE INDEX aios_approvals_status ON aios_approvals (status, deadline, approval_id);
CREATE INDEX aios_approvals_goal ON aios_approvals (goal_id, deadline);

-- One decision per side effect (its ledger key), naming the rule that decided it. Append-only.
CREATE TABLE aios_policy_decisions (
    sequence       INTEGER NOT NULL PRIMARY KEY, -- rows are never deleted, so rowids only grow
    action_key     TEXT    NOT NULL UNIQUE,
    goal_id        TEXT    NOT NULL,
    task_id        TEXT    NOT NULL,
    action_kind    TEXT    NOT NULL,
    outcome        TEXT    NOT NULL,
    rule           TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    recipient      TEXT    NULL,
    policy_version TEXT    NOT NULL,
    decided_at     INTEGER NOT NULL,
    written_by     TEXT    NOT NULL
);

CREATE INDEX aios_policy_decisions_goal ON aios_policy_decisions (goal_id, sequence);
CREATE INDEX aios_policy_decisions_recipient ON aios_policy_decisions (recipient);

CREATE TRIGGER aios_policy_decisions_no_update BEFORE UPDATE ON aios_policy_decisions
BEGIN
    SELECT RAISE(ABORT, 'aios_policy_decisions is append-only');
END;

CREATE TRIGGER aios_policy_decisions_no_delete BEFORE DELETE ON aios_policy_decisions
BEGIN
    SELECT RAISE(ABORT, 'aios_policy_decisions is append-only');
END;

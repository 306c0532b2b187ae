-- AiOs PostgreSQL schema: the approval queue and the log of policy decisions.

-- Side effects waiting for the operator. The id derives from the action's ledger key, so queuing twice is a no-op.
-- Decisions are compare-and-swap on version: of two racing decisions exactly one wins.
CREATE TABLE aios_approvals (
    approval_id     text             NOT NULL PRIMARY KEY,
    kind            text             NOT NULL,
    goal_id         text             NOT NULL,
    task_id         text             NOT NULL,
    action_key      text             NOT NULL,
    action_kind     text             NOT NULL,
    risk_class      text             NOT NULL,
    summary         text             NOT NULL,
    payload         text             NOT NULL, -- exact text: the operator approves exactly what is sent
    policy_rule     text             NOT NULL,
    policy_reason   text             NOT NULL,
    confidence      double precision NOT NULL,
    sources         text             NOT NULL,
    status          text             NOT NULL,
    created_at      timestamptz      NOT NULL,
    deadline        timestamptz      NOT NULL,
    grace_ends_at   timestamptz      NOT NULL,
    default_action  text             NOT NULL,
    decided_by      text             NULL,
    decided_at      timestamptz      NULL,
    decision_reason text             NULL,
    final_payload   text             NULL,
    escalated_at    timestamptz      NULL,
    version         bigint           NOT NULL,
    updated_at      timestamptz      NOT NULL,
    updated_by      text             NOT NULL
);

CREATE INDEX aios_approvals_status ON aios_approvals (status, deadline, approval_id);
CREATE INDEX aios_approvals_goal ON aios_approvals (goal_id, deadline);

-- One decision per side effect (its ledger key), naming the rule that decided it. Append-only.
CREATE TABLE aios_policy_decisions (
    sequence       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_key     text        NOT NULL UNIQUE,
    goal_id        text        NOT NULL,
    task_id        text        NOT NULL,
    action_kind    text        NOT NULL,
    outcome        text        NOT NULL,
    rule           text        NOT NULL,
    reason         text        NOT NULL,
    recipient      text        NULL,
    policy_version text        NOT NULL,
    decided_at     timestamptz NOT NULL,
    written_by     text        NOT NULL
);

CREATE INDEX aios_policy_decisions_goal ON aios_policy_decisions (goal_id, sequence);
CREATE INDEX aios_policy_decisions_recipient ON aios_policy_decisions (recipient);

CREATE FUNCTION aios_policy_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'aios_policy_decisions is append-only';
END;
$$;

CREATE TRIGGER aios_policy_decisions_append_only BEFORE UPDATE OR DELETE ON aios_policy_decisions
    FOR EACH ROW EXECUTE FUNCTION aios_policy_decisions_append_only();

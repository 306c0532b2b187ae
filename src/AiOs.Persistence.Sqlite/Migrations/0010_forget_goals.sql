-- AiOs SQLite schema: forgetting a customer erases the recipient of their policy decisions. The log stays append-only
-- for everything else: an update passes only when it changes nothing but the recipient, to NULL.
DROP TRIGGER aios_policy_decisions_no_update;

CREATE TRIGGER aios_policy_decisions_no_update BEFORE UPDATE ON aios_policy_decisions
WHEN NEW.recipient IS NOT NULL
    OR NEW.sequence IS NOT OLD.sequence OR NEW.action_key IS NOT OLD.action_key OR NEW.goal_id IS NOT OLD.goal_id
    OR NEW.task_id IS NOT OLD.task_id OR NEW.action_kind IS NOT OLD.action_kind OR NEW.outcome IS NOT OLD.outcome
    OR NEW.rule IS NOT OLD.rule OR NEW.reason IS NOT OLD.reason OR NEW.policy_version IS NOT OLD.policy_version
    OR NEW.decided_at IS NOT OLD.decided_at OR NEW.written_by IS NOT OLD.written_by
BEGIN
    SELECT RAISE(ABORT, 'aios_policy_decisions is append-only');
END;

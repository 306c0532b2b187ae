-- AiOs PostgreSQL schema: forgetting a customer erases the recipient of their policy decisions. The log stays
-- append-only for everything else: an update passes only when it changes nothing but the recipient, to NULL.
CREATE OR REPLACE FUNCTION aios_policy_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.recipient IS NULL AND (to_jsonb(NEW) - 'recipient') = (to_jsonb(OLD) - 'recipient') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'aios_policy_decisions is append-only';
END;
$$;

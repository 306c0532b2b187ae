-- AiOs PostgreSQL schema: a goal's page lists the goal's own model calls, so spend is also found by goal.
CREATE INDEX aios_spend_goal ON aios_spend (goal_id, occurred_at);

-- AiOs SQLite schema, migration 2: nothing. SQLite is single-silo (one process holds the file), so the cluster's
-- membership and lease tables exist only on PostgreSQL. This migration keeps the two providers' numbers aligned.
SELECT 1;

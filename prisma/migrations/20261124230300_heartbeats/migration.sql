-- Heartbeat (push) monitors (issue 3 item 1): a cron job calls /api/v1/heartbeat/<token>.
--   last_heartbeat_at: when the last beat arrived (the worker compares it with interval + grace);
--   heartbeat_token_hash: hex SHA-256 of the secret push token (the token itself is never stored; it is
--   shown once on create / rotate). Unique, so a beat is one indexed lookup by hash.
ALTER TABLE "monitors" ADD COLUMN "last_heartbeat_at" timestamptz(3);
ALTER TABLE "monitors" ADD COLUMN "heartbeat_token_hash" text;
CREATE UNIQUE INDEX "monitors_heartbeat_token_hash_key" ON "monitors" ("heartbeat_token_hash");

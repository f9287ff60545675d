-- Issue 8 item 3: monitor credentials leave monitors.config (plain JSON) for monitors.secrets, a JSON
-- object of sealed values (AES-256-GCM envelopes made by @steward/secrets, ADR 0013), one per secret path
-- ("password", "headers.Authorization", ...), each bound to (tenant, "monitor:<id>", path). The database
-- never sees a key, so it cannot encrypt: rows written before this migration keep their plaintext in
-- config until the worker's start-up sweep (or `pnpm secrets:rotate`) seals it (sealPlaintextMonitorSecrets).
-- From now on a write that puts a secret into config in clear is refused by a trigger (on INSERT and on
-- UPDATE OF config only, so the probe ingest's updates of an old row are not blocked while it waits for
-- the sweep).

ALTER TABLE "monitors" ADD COLUMN "secrets" jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Every value in monitors.secrets is a sealed string (format "sb1.<keyId>.<wrapped key>.<ciphertext>").
CREATE FUNCTION steward_secrets_all_sealed(s jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = public, pg_temp
AS $$
  SELECT jsonb_typeof(s) = 'object'
     AND NOT EXISTS (
       SELECT 1 FROM jsonb_each(s) e
        WHERE jsonb_typeof(e.value) <> 'string' OR (e.value #>> '{}') !~ '^sb1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
     )
$$;

-- A config that still holds a secret in clear: a non-empty secret field of the kinds that have one
-- (SECRET_CONFIG_FIELDS) or a non-empty credential header (SENSITIVE_HEADER, same pattern as
-- packages/probes/src/common/secrets.ts; a unit test keeps the two equal).
CREATE FUNCTION steward_config_has_plaintext_secret(kind text, config jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = public, pg_temp
AS $$
  SELECT (kind IN ('POSTGRES', 'REDIS', 'MQTT') AND coalesce(config ->> 'password', '') <> '')
      OR (jsonb_typeof(config -> 'headers') = 'object' AND EXISTS (
            SELECT 1 FROM jsonb_each_text(config -> 'headers') h
             WHERE h.value <> ''
               AND h.key ~* '^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|key|auth|session|passw|signature'))
$$;

ALTER TABLE "monitors" ADD CONSTRAINT "monitors_secrets_sealed" CHECK (steward_secrets_all_sealed("secrets"));

CREATE FUNCTION steward_monitors_refuse_plaintext_secret() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = public, pg_temp
AS $$
BEGIN
  IF steward_config_has_plaintext_secret(NEW.kind::text, NEW.config) THEN
    RAISE EXCEPTION 'monitors.config must not hold a secret in clear (seal it into monitors.secrets)'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'monitors_config_no_plaintext_secret';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER monitors_refuse_plaintext_secret
  BEFORE INSERT OR UPDATE OF config, kind ON monitors
  FOR EACH ROW EXECUTE FUNCTION steward_monitors_refuse_plaintext_secret();

GRANT EXECUTE ON FUNCTION steward_secrets_all_sealed(jsonb) TO steward_app, steward_system;
GRANT EXECUTE ON FUNCTION steward_config_has_plaintext_secret(text, jsonb) TO steward_app, steward_system;

-- A change of the sealed secrets alone (re-entered password, rotation) must reach the workers' caches too.
DROP TRIGGER monitors_notify_changed ON monitors;
CREATE TRIGGER monitors_notify_changed
  AFTER INSERT OR DELETE OR UPDATE OF kind, config, secrets, interval_seconds, timeout_ms, confirmations,
    recovery_threshold, degraded_threshold_ms, paused, regions, region_quorum
  ON monitors
  FOR EACH ROW EXECUTE FUNCTION steward_notify_monitor_changed();

-- URLs with credentials (`https://user:pass@host/`) are refused from now on; those already written to the
-- audit trail (monitor.create's `target`) are redacted to `https://***@host/`. audit_logs is append-only:
-- its row trigger is set aside for this one statement of the migration (run by the owner).
CREATE FUNCTION steward_redact_url_credentials(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = public, pg_temp
AS $$
  SELECT regexp_replace(t, '^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@', '\1***@')
$$;

ALTER TABLE "audit_logs" DISABLE TRIGGER audit_logs_append_only_row;
UPDATE "audit_logs"
   SET metadata = jsonb_set(metadata, '{target}', to_jsonb(steward_redact_url_credentials(metadata ->> 'target')))
 WHERE action = 'monitor.create'
   AND metadata ->> 'target' ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@]*@'
   AND metadata ->> 'target' !~ '^[A-Za-z][A-Za-z0-9+.-]*://\*\*\*@';
ALTER TABLE "audit_logs" ENABLE TRIGGER audit_logs_append_only_row;

-- Live updates (issue 8 item 9, ADR 0016): one shared change feed per tenant instead of a poll per open tab.
-- Every web process LISTENs on `steward_monitors_live` on ONE connection and fans the news out in process
-- to the tenant's subscribers; the payload is only the tenant id (no data: each web process then reads
-- the tenant's snapshot once, as steward_app under RLS, and shares it among that tenant's subscribers).
-- It fires on what the live stream shows: a monitor added or removed, its state (or state_since) or its
-- pause changed. The ingest's batched UPDATE sets state on every row it touches, so the WHEN clause
-- keeps the hot path quiet: only rows whose state really changed notify, and NOTIFY folds identical
-- payloads of one transaction into one, so a batch notifies once per tenant whose monitors changed.

CREATE FUNCTION steward_notify_monitors_live() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('steward_monitors_live', OLD.tenant_id::text);
    RETURN NULL;
  END IF;
  PERFORM pg_notify('steward_monitors_live', NEW.tenant_id::text);
  IF TG_OP = 'UPDATE' AND OLD.tenant_id IS DISTINCT FROM NEW.tenant_id THEN
    PERFORM pg_notify('steward_monitors_live', OLD.tenant_id::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER monitors_notify_live_rows
  AFTER INSERT OR DELETE ON monitors
  FOR EACH ROW EXECUTE FUNCTION steward_notify_monitors_live();

CREATE TRIGGER monitors_notify_live_state
  AFTER UPDATE OF state, state_since, paused, tenant_id ON monitors
  FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state
        OR OLD.state_since IS DISTINCT FROM NEW.state_since
        OR OLD.paused IS DISTINCT FROM NEW.paused
        OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION steward_notify_monitors_live();

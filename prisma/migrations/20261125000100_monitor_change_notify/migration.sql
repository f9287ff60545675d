-- Edits reach the workers at once (issue 3 item 3: "editing a monitor takes effect on its next slot").
-- Workers LISTEN on `steward_monitor_changed`: the payload is a monitor id (its probe settings, schedule,
-- regions or pause changed, or it was created / deleted) or `tenant:<id>` (the tenant's SSRF allowlist
-- changed). The worker then drops its cached copy and re-reconciles that monitor's scheduler; a periodic
-- full reconcile remains the safety net for a lost notification. The probe ingest's own UPDATEs (state,
-- counters, last check) touch none of the listed columns, so the hot path notifies nothing.

CREATE FUNCTION steward_notify_monitor_changed() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = public, pg_temp
AS $$
BEGIN
  IF TG_TABLE_NAME = 'organizations' THEN
    PERFORM pg_notify('steward_monitor_changed', 'tenant:' || NEW.id::text);
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('steward_monitor_changed', OLD.id::text);
  ELSE
    PERFORM pg_notify('steward_monitor_changed', NEW.id::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER monitors_notify_changed
  AFTER INSERT OR DELETE OR UPDATE OF kind, config, interval_seconds, timeout_ms, confirmations,
    recovery_threshold, degraded_threshold_ms, paused, regions, region_quorum
  ON monitors
  FOR EACH ROW EXECUTE FUNCTION steward_notify_monitor_changed();

CREATE TRIGGER organizations_notify_probe_allowlist_changed
  AFTER UPDATE OF probe_allow_cidrs ON organizations
  FOR EACH ROW
  WHEN (OLD.probe_allow_cidrs IS DISTINCT FROM NEW.probe_allow_cidrs)
  EXECUTE FUNCTION steward_notify_monitor_changed();

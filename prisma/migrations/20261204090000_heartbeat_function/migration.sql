-- The public heartbeat endpoint (/api/v1/heartbeat/<token>) records a beat through one narrow function
-- instead of the BYPASSRLS system pool (issue 8 item 8: the web holds no BYPASSRLS path for unauthenticated
-- traffic). The function does exactly one thing: stamp last_heartbeat_at on the HEARTBEAT monitor whose token
-- hash matches, and say whether one did. It returns no row data.

CREATE FUNCTION steward_record_heartbeat(p_token_hash text)
  RETURNS boolean
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
  WITH beat AS (
    UPDATE public.monitors
       SET last_heartbeat_at = now()
     WHERE heartbeat_token_hash = p_token_hash
       AND kind = 'HEARTBEAT'
    RETURNING 1
  )
  SELECT count(*) > 0 FROM beat
$$;

REVOKE ALL ON FUNCTION steward_record_heartbeat(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION steward_record_heartbeat(text) TO steward_app;

-- Tenant-bound references (ADR 0004).
-- Foreign-key checks bypass row-level security, so a single-column FK would let a row of tenant A point
-- at a monitor, asset or incident of tenant B. These composite keys make the database refuse that:
-- a reference is valid only when the referenced row has the same tenant_id.
-- Prisma's single-column foreign keys stay (the client relies on them); these are additional.

ALTER TABLE "assets"    ADD CONSTRAINT "assets_tenant_id_id_key"    UNIQUE ("tenant_id", "id");
ALTER TABLE "monitors"  ADD CONSTRAINT "monitors_tenant_id_id_key"  UNIQUE ("tenant_id", "id");
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_tenant_id_id_key" UNIQUE ("tenant_id", "id");

ALTER TABLE "asset_dependencies"
  ADD CONSTRAINT "asset_dependencies_tenant_asset_fkey"
    FOREIGN KEY ("tenant_id", "asset_id") REFERENCES "assets" ("tenant_id", "id") ON DELETE CASCADE,
  ADD CONSTRAINT "asset_dependencies_tenant_depends_on_fkey"
    FOREIGN KEY ("tenant_id", "depends_on_id") REFERENCES "assets" ("tenant_id", "id") ON DELETE CASCADE,
  ADD CONSTRAINT "asset_dependencies_not_self" CHECK ("asset_id" <> "depends_on_id");

ALTER TABLE "monitors"
  ADD CONSTRAINT "monitors_tenant_asset_fkey"
    FOREIGN KEY ("tenant_id", "asset_id") REFERENCES "assets" ("tenant_id", "id") ON DELETE SET NULL ("asset_id");

ALTER TABLE "state_intervals"
  ADD CONSTRAINT "state_intervals_tenant_monitor_fkey"
    FOREIGN KEY ("tenant_id", "monitor_id") REFERENCES "monitors" ("tenant_id", "id") ON DELETE CASCADE;

ALTER TABLE "incidents"
  ADD CONSTRAINT "incidents_tenant_monitor_fkey"
    FOREIGN KEY ("tenant_id", "monitor_id") REFERENCES "monitors" ("tenant_id", "id") ON DELETE SET NULL ("monitor_id");

ALTER TABLE "incident_events"
  ADD CONSTRAINT "incident_events_tenant_incident_fkey"
    FOREIGN KEY ("tenant_id", "incident_id") REFERENCES "incidents" ("tenant_id", "id") ON DELETE CASCADE;

-- Membership scopes may only name client tenants of the membership's own provider; checked by trigger
-- (arrays cannot carry foreign keys).
CREATE FUNCTION steward_check_membership_scope() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(NEW.scope_tenant_ids) > 0 AND EXISTS (
    SELECT 1 FROM unnest(NEW.scope_tenant_ids) AS s(id)
    WHERE NOT EXISTS (
      SELECT 1 FROM organizations o WHERE o.id = s.id AND o.kind = 'CLIENT' AND o.parent_id = NEW.tenant_id
    )
  ) THEN
    RAISE EXCEPTION 'membership scope names a tenant that is not a client of this provider'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
-- Run as the owner: under steward_app, organizations' RLS would hide the provider's clients from the check.
ALTER FUNCTION steward_check_membership_scope() SECURITY DEFINER SET search_path = public;
CREATE TRIGGER memberships_scope_check BEFORE INSERT OR UPDATE OF scope_tenant_ids, tenant_id ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION steward_check_membership_scope();

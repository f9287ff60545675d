-- Tenant probe allowlist entries with provider approval (issue 8 item 1; docs/ssrf.md, ADR 0011).
--
-- probe_allow_entries: one row per entry a tenant asked for — a CIDR plus a port or port range
-- ("10.0.0.0/8:5432", "[fd12::/48]:443"). A client admin requests; an entry reaching private space is
-- PENDING until a provider admin approves (APPROVED) or rejects (REJECTED) it; public ranges are APPROVED
-- at once (they change nothing). Only APPROVED entries take effect: the verbs copy them, in the same
-- transaction, into organizations.probe_allow_cidrs, which the worker and "test now" read (and re-validate).
--
-- Entries stored in organizations.probe_allow_cidrs before this migration had no ports: the guard's
-- re-validation drops every port-less private one (fail closed), and the first probe-network verb on the
-- tenant rewrites the column from this table. Tenants re-request what they still need.

CREATE TYPE "ProbeAllowStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

CREATE TABLE "probe_allow_entries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "target" TEXT NOT NULL,
    "status" "ProbeAllowStatus" NOT NULL DEFAULT 'PENDING',
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "note" TEXT,

    CONSTRAINT "probe_allow_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "probe_allow_entries_tenant_id_fkey"
      FOREIGN KEY ("tenant_id") REFERENCES "organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "probe_allow_entries_target_check" CHECK (char_length("target") BETWEEN 1 AND 64),
    CONSTRAINT "probe_allow_entries_note_check" CHECK ("note" IS NULL OR char_length("note") <= 500),
    CONSTRAINT "probe_allow_entries_decided_check"
      CHECK (("status" = 'PENDING') = ("decided_at" IS NULL))
);
CREATE UNIQUE INDEX "probe_allow_entries_tenant_id_target_key" ON "probe_allow_entries" ("tenant_id", "target");

SELECT steward_enable_tenant_rls('public.probe_allow_entries', 'tenant_id');

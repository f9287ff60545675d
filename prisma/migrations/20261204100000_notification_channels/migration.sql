-- Issue 9 item 4: notification channels (storage; ADR 0019). One row per channel a tenant configured:
-- its kind (packages/notify's CHANNEL_KINDS), a name unique in the tenant, the non-secret settings in
-- `config` (shown back to the tenant) and the credentials in `secrets`, a JSON object of values sealed by
-- @steward/secrets (ADR 0013), one per secret field, each bound to (tenant, "channel:<id>", field). The
-- CHECK reuses the monitors' steward_secrets_all_sealed: a value in clear is refused by the database.
-- Grants: steward_app and steward_system get DML from the default privileges (20261124220100), as monitors.

CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}'::jsonb,
    "secrets" JSONB NOT NULL DEFAULT '{}'::jsonb,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notification_channels_tenant_id_fkey"
      FOREIGN KEY ("tenant_id") REFERENCES "organizations" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "notification_channels_kind_check"
      CHECK ("kind" IN ('EMAIL', 'SLACK', 'TEAMS', 'WEBHOOK', 'PAGERDUTY')),
    CONSTRAINT "notification_channels_name_check" CHECK (char_length("name") BETWEEN 1 AND 100),
    CONSTRAINT "notification_channels_config_check" CHECK (jsonb_typeof("config") = 'object'),
    CONSTRAINT "notification_channels_secrets_sealed" CHECK (steward_secrets_all_sealed("secrets"))
);
CREATE UNIQUE INDEX "notification_channels_tenant_id_name_key" ON "notification_channels" ("tenant_id", "name");

SELECT steward_enable_tenant_rls('public.notification_channels', 'tenant_id');

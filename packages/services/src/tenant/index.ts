export * from "./get-tenant-overview.ts";
export * from "./get-tenant-probe-settings.ts";
export * from "./list-tenants.ts";
export * from "./update-tenant-probe-allowlist.ts";

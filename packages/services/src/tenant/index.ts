export * from "./decide-probe-allow-entry.ts";
export * from "./get-tenant-overview.ts";
export * from "./get-tenant-probe-settings.ts";
export * from "./list-tenants.ts";
export * from "./remove-probe-allow-entry.ts";
export * from "./request-probe-allow-entry.ts";

export * from "./get-tenant-overview.ts";
export * from "./list-tenants.ts";

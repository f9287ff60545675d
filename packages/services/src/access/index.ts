export * from "./build-tenant-context.ts";
export * from "./resolve-access.ts";

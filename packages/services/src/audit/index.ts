export * from "./emit-audit.ts";
export * from "./list-audit-logs.ts";

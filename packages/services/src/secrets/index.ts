export * from "./monitor-secrets.ts";

export { type ApiContext, type CreateContextOptions, createContext } from "./context.ts";
export { retryAfterSeconds, SERVICE_ERROR_CODES } from "./errors.ts";
export { POLICY, type PolicyEntry, type SampleIds } from "./policy.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export type { ProcedureMeta } from "./trpc.ts";

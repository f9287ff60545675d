export * from "./apply-probe-outcomes.ts";

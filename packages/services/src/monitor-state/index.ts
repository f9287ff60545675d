export * from "./apply-probe-outcomes.ts";
export * from "./mark-silent-regions-unknown.ts";

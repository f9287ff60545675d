export * from "./acknowledge-incident.ts";
export * from "./add-incident-note.ts";
export * from "./get-incident.ts";
export * from "./incident-events.ts";
export * from "./list-incidents.ts";
export * from "./resolve-incident.ts";
export * from "./transition-incident-in-tx.ts";

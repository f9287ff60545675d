import { httpProbe } from "./http/http-probe.ts";
import type { Probe } from "./probe.ts";

export * from "./http/http-probe.ts";
export * from "./probe.ts";
export * from "./ssrf.ts";

/** Probe kinds by monitor kind (MonitorKind in the schema). */
export const PROBES = { HTTP: httpProbe } as const satisfies Record<string, Probe>;
export type ProbeKind = keyof typeof PROBES;

export function getProbe(kind: string): Probe | undefined {
  return (PROBES as Record<string, Probe>)[kind];
}

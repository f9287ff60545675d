import { dnsProbe } from "./dns/dns-probe.ts";
import { httpProbe } from "./http/http-probe.ts";
import { icmpProbe } from "./icmp/icmp-probe.ts";
import { mqttProbe } from "./mqtt/mqtt-probe.ts";
import { postgresProbe } from "./postgres/postgres-probe.ts";
import type { Probe } from "./probe.ts";
import { prometheusProbe } from "./prometheus/prometheus-probe.ts";
import { redisProbe } from "./redis/redis-probe.ts";
import { tcpProbe } from "./tcp/tcp-probe.ts";
import { tlsProbe } from "./tls/tls-probe.ts";

export { URL_CREDENTIALS_MESSAGE, urlHasCredentials } from "./common/schema.ts";
export * from "./common/secrets.ts";
export * from "./dns/dns-probe.ts";
export * from "./heartbeat/heartbeat.ts";
// The guarded HTTP client, for every outbound sender a tenant can point (notification channels, webhooks).
export {
  type GuardedRequest,
  type GuardedResponse,
  guardedRequest,
  RedirectError,
} from "./http/guarded-request.ts";
export * from "./http/http-probe.ts";
export * from "./icmp/icmp-probe.ts";
export * from "./mqtt/mqtt-probe.ts";
export * from "./postgres/postgres-probe.ts";
export * from "./probe.ts";
export * from "./prometheus/exposition.ts";
export * from "./prometheus/prometheus-probe.ts";
export * from "./redis/redis-probe.ts";
export * from "./ssrf/platform-deny.ts";
export * from "./ssrf.ts";
export * from "./tcp/tcp-probe.ts";
export * from "./tls/tls-probe.ts";

/** Probe kinds by monitor kind (MonitorKind in the schema). HEARTBEAT is push-based: no probe. */
export const PROBES = {
  HTTP: httpProbe,
  TCP: tcpProbe,
  DNS: dnsProbe,
  TLS: tlsProbe,
  POSTGRES: postgresProbe,
  REDIS: redisProbe,
  MQTT: mqttProbe,
  PROMETHEUS: prometheusProbe,
  ICMP: icmpProbe,
} as const satisfies Record<string, Probe>;
export type ProbeKind = keyof typeof PROBES;

export function getProbe(kind: string): Probe | undefined {
  return Object.hasOwn(PROBES, kind) ? (PROBES as Record<string, Probe>)[kind] : undefined;
}

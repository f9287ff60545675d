/** Queue names: kebab-case plurals. One BullMQ Worker per queue in apps/worker. */
export const QUEUES = {
  probes: "probes",
  maintenance: "maintenance",
  /** "Test now" requests, one queue per region (`monitor-tests-<region>`, ADR 0012). */
  monitorTests: "monitor-tests",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

/** Region names: lower-case letters, digits and dashes (they become part of a queue name). */
export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * The probe queue of one region: each region's workers consume only their own queue, and each region's
 * schedulers live there, so a monitor runs exactly once per slot in EACH of its regions.
 */
export type ProbeQueueName = `${typeof QUEUES.probes}-${string}`;

export function probeQueueName(region: string): ProbeQueueName {
  if (!REGION_PATTERN.test(region)) throw new Error(`invalid region name: ${JSON.stringify(region)}`);
  return `${QUEUES.probes}-${region}`;
}

/** The "test now" queue of one region: only that region's workers consume it (ADR 0012). */
export type MonitorTestQueueName = `${typeof QUEUES.monitorTests}-${string}`;

export function monitorTestQueueName(region: string): MonitorTestQueueName {
  if (!REGION_PATTERN.test(region)) throw new Error(`invalid region name: ${JSON.stringify(region)}`);
  return `${QUEUES.monitorTests}-${region}`;
}

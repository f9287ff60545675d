/** Queue names: kebab-case plurals. One BullMQ Worker per queue in apps/worker. */
export const QUEUES = {
  probes: "probes",
  maintenance: "maintenance",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

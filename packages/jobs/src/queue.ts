import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { assertJobId, type JobDefinition } from "./define-job.ts";
import { type MonitorTestQueueName, type ProbeQueueName, QUEUES, type QueueName } from "./queues.ts";
import { redisPrefix } from "./redis.ts";

export function createQueue(
  name: QueueName | ProbeQueueName | MonitorTestQueueName,
  opts: { connection: Redis; prefix?: string },
): Queue {
  return new Queue(name, { connection: opts.connection, prefix: opts.prefix ?? redisPrefix() });
}

export interface EnqueueOptions extends Pick<JobsOptions, "delay" | "priority"> {
  /** Deterministic id for idempotency (no ':' allowed). */
  jobId?: string;
}

/** Typed enqueue: validates the payload with the definition's schema and applies its default options. */
export async function enqueue<Name extends string, Schema extends z.ZodType>(
  queue: Queue,
  def: JobDefinition<Name, Schema>,
  payload: z.input<Schema>,
  opts: EnqueueOptions = {},
) {
  // A region's probe queue (`probes-<region>`) takes the probe queue's jobs; likewise `monitor-tests-<region>`.
  const regionQueue =
    (def.queue === QUEUES.probes || def.queue === QUEUES.monitorTests) && queue.name.startsWith(`${def.queue}-`);
  if (queue.name !== def.queue && !regionQueue)
    throw new Error(`job ${def.name} belongs to queue ${def.queue}, not ${queue.name}`);
  const data = def.payload.parse(payload);
  const { jobId, ...rest } = opts;
  return queue.add(def.name, data, {
    ...def.options,
    ...rest,
    ...(jobId !== undefined ? { jobId: assertJobId(jobId) } : {}),
  });
}

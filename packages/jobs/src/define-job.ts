import type { JobsOptions } from "bullmq";
import type { z } from "zod";
import type { QueueName } from "./queues.ts";

/**
 * A job definition: a name (`entity.verb`), the queue it runs on, a zod payload (ids only, never
 * secrets) and default BullMQ options. Shared by producers (enqueue) and the worker (parse).
 */
export interface JobDefinition<Name extends string, Schema extends z.ZodType> {
  readonly name: Name;
  readonly queue: QueueName;
  readonly payload: Schema;
  readonly options: JobsOptions;
}

export type JobPayload<D> = D extends JobDefinition<string, infer S> ? z.infer<S> : never;

export function defineJob<const Name extends string, Schema extends z.ZodType>(def: {
  name: Name;
  queue: QueueName;
  payload: Schema;
  options?: JobsOptions;
}): JobDefinition<Name, Schema> {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(def.name)) {
    throw new Error(`job name must be entity.verb, got "${def.name}"`);
  }
  return Object.freeze({ name: def.name, queue: def.queue, payload: def.payload, options: def.options ?? {} });
}

/** Job ids are deterministic for idempotency and must not contain ':' (BullMQ uses it in keys). */
export function assertJobId(id: string): string {
  if (id.length === 0 || id.includes(":")) throw new Error(`invalid job id "${id}": empty or contains ':'`);
  return id;
}

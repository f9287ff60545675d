import { z } from "zod";
import { defineJob } from "../define-job.ts";
import { QUEUES } from "../queues.ts";

/** A "test now" request id: also the sealed config's owner (`monitor-test:<requestId>`) and the job id. */
export const MonitorTestRequestId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/**
 * "Test now" (ADR 0012): run one probe of an unsaved configuration on a worker of the chosen region and
 * reply with its result. Enqueued on `monitor-tests-<region>`; the API waits for the reply until
 * `deadline` and then gives up (a worker that takes the job later skips it).
 *
 * The configuration is the only non-id field, and it travels SEALED (AES-256-GCM bound to the tenant and
 * `monitor-test:<requestId>`): the passwords and Authorization headers a user just typed never sit in
 * Redis in clear. Nothing else a user typed is in the payload.
 */
export const monitorTest = defineJob({
  name: "monitor.test",
  queue: QUEUES.monitorTests,
  payload: z.object({
    requestId: MonitorTestRequestId,
    tenantId: z.uuid(),
    kind: z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/),
    /** The probe config as JSON, sealed for (tenantId, `monitor-test:<requestId>`). */
    sealedConfig: z
      .string()
      .min(1)
      .max(256 * 1024),
    timeoutMs: z.int().min(500).max(30_000),
    /** Epoch ms after which nobody waits for the reply: a worker that starts later does not probe. */
    deadline: z.int().nonnegative(),
  }),
  // Never retried (the user presses the button again). The finished job is removed by the API as soon as
  // it has the reply; these ages only bound what an abandoned one leaves behind.
  options: { attempts: 1, removeOnComplete: { age: 60 }, removeOnFail: { age: 60 } },
});

/** The reply: a probe result (no secrets; probes copy no server data, docs/security/probes.md) + where. */
export const MonitorTestReply = z.object({
  ok: z.boolean(),
  unknown: z.boolean().optional(),
  latencyMs: z.number(),
  statusCode: z.number().optional(),
  error: z.string().max(1000).optional(),
  finalUrl: z.string().max(4096).optional(),
  certExpiresAt: z.string().max(64).optional(),
  /** The region of the worker that ran it. */
  region: z.string(),
  /** When the worker started the probe (ISO 8601) and how long it took end to end on the worker. */
  startedAt: z.string(),
  totalMs: z.number(),
});
export type MonitorTestReply = z.infer<typeof MonitorTestReply>;

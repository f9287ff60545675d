/**
 * Escalation policies and a pure planner (issue 9 item 3; ADR 0018).
 *
 * A policy is ordered steps and a repeat count. Step i of round r fires `delayMinutes` after the previous
 * firing (step 0 of round 0: after `triggeredAt`; step 0 of round r > 0: after the last step of round r-1).
 * A step with a business-hours condition is evaluated at its firing instant: when the condition does not
 * hold the step is skipped (no notifications) but the clock still advances, so later steps keep their
 * times. Escalation stops at acknowledgement or resolution: nothing fires at or after
 * min(acknowledgedAt, resolvedAt).
 *
 * The planner is deterministic and idempotent: the notifications due up to `now` are a prefix of those due
 * up to any later `now`, each with a stable dedup key `step:repeat:targetIndex` (the caller prefixes the
 * incident id), so a worker can re-plan at any time and insert with ON CONFLICT DO NOTHING.
 */
import { z } from "zod";
import { BusinessCalendar, isWithinBusinessHours } from "./business-hours.ts";
import type { TimeLike } from "./uptime.ts";

export const EscalationTarget = z.object({
  type: z.enum(["user", "schedule", "channel"]),
  id: z.string().min(1).max(200),
});
export type EscalationTarget = z.infer<typeof EscalationTarget>;

export const EscalationStep = z.object({
  delayMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
  targets: z.array(EscalationTarget).min(1).max(50),
  condition: z.object({ calendar: BusinessCalendar, when: z.enum(["inside", "outside"]) }).optional(),
});
export type EscalationStep = z.input<typeof EscalationStep>;

export const EscalationPolicy = z
  .object({
    steps: z.array(EscalationStep).min(1).max(20),
    /** Extra rounds after the first: 0 = run the steps once. */
    repeat: z.number().int().min(0).max(10),
  })
  .refine(
    (p) => p.repeat === 0 || p.steps.some((s) => s.delayMinutes > 0),
    "a repeating policy needs at least one step with a delay",
  );
export type EscalationPolicy = z.input<typeof EscalationPolicy>;

export interface EscalationInput {
  triggeredAt: TimeLike;
  acknowledgedAt?: TimeLike | null;
  resolvedAt?: TimeLike | null;
  now: TimeLike;
}

export interface PlannedNotification {
  step: number;
  repeat: number;
  targetIndex: number;
  target: EscalationTarget;
  at: Date;
  dedupKey: string;
}

export interface EscalationPlan {
  /** Every notification due at or before `now`, in firing order. */
  due: PlannedNotification[];
  /** The next instant a notification becomes due, or null when escalation is over (or stopped). */
  nextWakeUp: Date | null;
  /** True when nothing further can fire (stopped, or every step of every round is in the past). */
  finished: boolean;
}

const ms = (t: TimeLike): number => (typeof t === "number" ? t : t.getTime());

export function escalationDedupKey(step: number, repeat: number, targetIndex: number): string {
  return `${step}:${repeat}:${targetIndex}`;
}

export function planEscalation(policy: EscalationPolicy, input: EscalationInput): EscalationPlan {
  const p = EscalationPolicy.parse(policy);
  const now = ms(input.now);
  const stops = [input.acknowledgedAt, input.resolvedAt].filter((t): t is TimeLike => t != null).map(ms);
  const stop = stops.length ? Math.min(...stops) : Number.POSITIVE_INFINITY;
  const due: PlannedNotification[] = [];
  let at = ms(input.triggeredAt);
  for (let repeat = 0; repeat <= p.repeat; repeat++) {
    for (let step = 0; step < p.steps.length; step++) {
      const s = p.steps[step];
      if (!s) continue;
      at += s.delayMinutes * 60_000;
      if (at >= stop) return { due, nextWakeUp: null, finished: true };
      if (s.condition && isWithinBusinessHours(s.condition.calendar, at) !== (s.condition.when === "inside")) continue;
      if (at > now) return { due, nextWakeUp: new Date(at), finished: false };
      s.targets.forEach((target, targetIndex) => {
        due.push({
          step,
          repeat,
          targetIndex,
          target,
          at: new Date(at),
          dedupKey: escalationDedupKey(step, repeat, targetIndex),
        });
      });
    }
  }
  return { due, nextWakeUp: null, finished: true };
}

import {
  type IncidentAction,
  type IncidentActionPlan,
  type IncidentSnapshot,
  planIncidentAction,
} from "@steward/domain";

/** Each snapshot field's column; a stamp's `*_by_id` goes with it (the system actor is no user: NULL). */
const SET: Record<keyof IncidentSnapshot, (p: string) => string> = {
  status: (p) => `status = ${p}::"IncidentStatus"`,
  acknowledgedAt: (p) => `acknowledged_at = ${p}, acknowledged_by_id = NULL`,
  resolvedAt: (p) => `resolved_at = ${p}, resolved_by_id = NULL`,
};

/**
 * A domain plan (planIncidentAction) as SQL for the worker path's system actor: the SET clause of its
 * patch and a WHERE guard `status = ANY(from)` — the compare-and-set that makes one UPDATE both decide
 * (through the machine's legal source statuses) and apply the transition atomically. Placeholders start
 * at `$<firstParam>`; append `values` to the statement's own parameters.
 */
export function incidentPlanSql(
  plan: IncidentActionPlan,
  firstParam: number,
): {
  set: string;
  fromGuard: string;
  values: unknown[];
} {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const key of Object.keys(plan.patch) as (keyof IncidentSnapshot)[]) {
    values.push(plan.patch[key]);
    sets.push(SET[key](`$${firstParam + values.length - 1}`));
  }
  values.push(plan.from);
  return {
    set: [...sets, "updated_at = now()"].join(", "),
    fromGuard: `status = ANY($${firstParam + values.length - 1}::"IncidentStatus"[])`,
    values,
  };
}

/** The domain plan of a monitor-driven action (never a note, so it cannot be refused). */
export function planForSystem(action: Exclude<IncidentAction, { type: "note" }>, at: Date): IncidentActionPlan {
  const planned = planIncidentAction(action, at);
  if (!planned.ok) throw new Error(`incident ${action.type}: ${planned.reason}`);
  return planned.plan;
}

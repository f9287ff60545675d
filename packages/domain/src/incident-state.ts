/**
 * Incident lifecycle (product.md §3): TRIGGERED → ACKNOWLEDGED → RESOLVED.
 *
 * Legal transitions:
 *   acknowledge  TRIGGERED → ACKNOWLEDGED                       event ACKNOWLEDGED
 *   resolve      TRIGGERED | ACKNOWLEDGED → RESOLVED            event RESOLVED (acknowledgedAt stays as it
 *                                                                was: resolving is not acknowledging, so MTTA
 *                                                                is only measured for real acknowledgements)
 *   reopen       RESOLVED → TRIGGERED                            event REOPENED (ack/resolve stamps cleared)
 *   note         any status, status unchanged                    event NOTE
 * Anything else is illegal (e.g. acknowledging twice, resolving a resolved incident) and the caller
 * answers Conflict. Reopen vs new incident: a monitor failing again within REOPEN_WINDOW_MS of the
 * resolution reopens the same incident; later, a new incident is opened (see shouldReopen).
 */
export const INCIDENT_STATUSES = ["TRIGGERED", "ACKNOWLEDGED", "RESOLVED"] as const;
export type IncidentStatusValue = (typeof INCIDENT_STATUSES)[number];

export type IncidentTimelineKind =
  | "OPENED"
  | "STATE_CHANGE"
  | "ACKNOWLEDGED"
  | "RESOLVED"
  | "REOPENED"
  | "NOTE"
  | "ASSIGNED";

export type IncidentAction =
  | { type: "acknowledge" }
  | { type: "resolve"; reason?: string }
  | { type: "reopen"; reason?: string }
  | { type: "note"; body: string };

export type IncidentActionType = IncidentAction["type"];

export interface IncidentSnapshot {
  status: IncidentStatusValue;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export interface TimelineEventDraft {
  kind: IncidentTimelineKind;
  message: string;
}

export type IncidentTransition =
  | { ok: true; next: IncidentSnapshot; statusChanged: boolean; events: readonly TimelineEventDraft[] }
  | { ok: false; reason: string };

export const NOTE_MAX_LENGTH = 10_000;
export const REOPEN_WINDOW_MS = 15 * 60 * 1000;

const LEGAL: Record<IncidentActionType, readonly IncidentStatusValue[]> = {
  acknowledge: ["TRIGGERED"],
  resolve: ["TRIGGERED", "ACKNOWLEDGED"],
  reopen: ["RESOLVED"],
  note: ["TRIGGERED", "ACKNOWLEDGED", "RESOLVED"],
};

/** Whether `action` may be applied to an incident in `status`. */
export function canTransition(status: IncidentStatusValue, action: IncidentActionType): boolean {
  return LEGAL[action].includes(status);
}

/** The actions a UI may offer for an incident in `status` (notes always). */
export function legalActions(status: IncidentStatusValue): IncidentActionType[] {
  return (Object.keys(LEGAL) as IncidentActionType[]).filter((a) => canTransition(status, a));
}

/**
 * One action as data: the statuses it may start from, the fields it sets (a patch over the snapshot) and
 * the timeline events it records. The single definition of every transition: `transitionIncident`
 * applies it to a snapshot in memory (the service verbs), and the worker path (open/resolve incidents for
 * monitors, raw SQL inside the probe ingest) turns it into one compare-and-set UPDATE — `status = ANY(from)`
 * in the WHERE, the patch in the SET — so it decides through the machine without reading the row first.
 */
export interface IncidentActionPlan {
  from: readonly IncidentStatusValue[];
  patch: Partial<IncidentSnapshot>;
  statusChanged: boolean;
  events: readonly TimelineEventDraft[];
}

/** Plan one action (pure; validates a note's body). */
export function planIncidentAction(
  action: IncidentAction,
  at: Date,
): { ok: true; plan: IncidentActionPlan } | { ok: false; reason: string } {
  const from = LEGAL[action.type];
  switch (action.type) {
    case "acknowledge":
      return {
        ok: true,
        plan: {
          from,
          statusChanged: true,
          patch: { status: "ACKNOWLEDGED", acknowledgedAt: at },
          events: [{ kind: "ACKNOWLEDGED", message: "Incident acknowledged" }],
        },
      };
    case "resolve":
      return {
        ok: true,
        plan: {
          from,
          statusChanged: true,
          patch: { status: "RESOLVED", resolvedAt: at },
          events: [{ kind: "RESOLVED", message: action.reason?.trim() || "Incident resolved" }],
        },
      };
    case "reopen":
      return {
        ok: true,
        plan: {
          from,
          statusChanged: true,
          patch: { status: "TRIGGERED", acknowledgedAt: null, resolvedAt: null },
          events: [{ kind: "REOPENED", message: action.reason?.trim() || "Incident reopened" }],
        },
      };
    case "note": {
      const body = action.body.trim();
      if (body.length === 0) return { ok: false, reason: "a note cannot be empty" };
      if (body.length > NOTE_MAX_LENGTH)
        return { ok: false, reason: `a note is at most ${NOTE_MAX_LENGTH} characters` };
      return { ok: true, plan: { from, statusChanged: false, patch: {}, events: [{ kind: "NOTE", message: body }] } };
    }
  }
}

/** Apply one action. Pure: returns the next snapshot and the timeline events to record. */
export function transitionIncident(incident: IncidentSnapshot, action: IncidentAction, at: Date): IncidentTransition {
  if (!canTransition(incident.status, action.type)) {
    return { ok: false, reason: `cannot ${action.type} an incident that is ${incident.status.toLowerCase()}` };
  }
  const planned = planIncidentAction(action, at);
  if (!planned.ok) return planned;
  const { plan } = planned;
  return {
    ok: true,
    statusChanged: plan.statusChanged,
    next: plan.statusChanged ? { ...incident, ...plan.patch } : incident,
    events: plan.events,
  };
}

/** A new incident (opened by a monitor going down): its first snapshot and timeline event. */
export function newIncident(title: string): { snapshot: IncidentSnapshot; events: readonly TimelineEventDraft[] } {
  return {
    snapshot: { status: "TRIGGERED", acknowledgedAt: null, resolvedAt: null },
    events: [openedEvent(title)],
  };
}

/** The first event of every incident. */
export function openedEvent(title: string): TimelineEventDraft {
  return { kind: "OPENED", message: title };
}

/**
 * When a monitor fails again: reopen the last incident if it was resolved less than `windowMs` ago,
 * otherwise open a new one.
 */
export function shouldReopen(
  last: { status: IncidentStatusValue; resolvedAt: Date | null } | null,
  now: Date,
  windowMs: number = REOPEN_WINDOW_MS,
): boolean {
  if (last?.status !== "RESOLVED" || !last.resolvedAt) return false;
  const age = now.getTime() - last.resolvedAt.getTime();
  return age >= 0 && age < windowMs;
}

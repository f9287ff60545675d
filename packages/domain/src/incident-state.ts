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

/** Apply one action. Pure: returns the next snapshot and the timeline events to record. */
export function transitionIncident(incident: IncidentSnapshot, action: IncidentAction, at: Date): IncidentTransition {
  if (!canTransition(incident.status, action.type)) {
    return { ok: false, reason: `cannot ${action.type} an incident that is ${incident.status.toLowerCase()}` };
  }
  switch (action.type) {
    case "acknowledge":
      return {
        ok: true,
        statusChanged: true,
        next: { ...incident, status: "ACKNOWLEDGED", acknowledgedAt: at },
        events: [{ kind: "ACKNOWLEDGED", message: "Incident acknowledged" }],
      };
    case "resolve":
      return {
        ok: true,
        statusChanged: true,
        next: { ...incident, status: "RESOLVED", resolvedAt: at },
        events: [{ kind: "RESOLVED", message: action.reason?.trim() || "Incident resolved" }],
      };
    case "reopen":
      return {
        ok: true,
        statusChanged: true,
        next: { status: "TRIGGERED", acknowledgedAt: null, resolvedAt: null },
        events: [{ kind: "REOPENED", message: action.reason?.trim() || "Incident reopened" }],
      };
    case "note": {
      const body = action.body.trim();
      if (body.length === 0) return { ok: false, reason: "a note cannot be empty" };
      if (body.length > NOTE_MAX_LENGTH)
        return { ok: false, reason: `a note is at most ${NOTE_MAX_LENGTH} characters` };
      return { ok: true, statusChanged: false, next: incident, events: [{ kind: "NOTE", message: body }] };
    }
  }
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

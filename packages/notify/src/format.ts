import type { NotificationMessage } from "./channel.ts";

const EVENT_LABEL: Record<NotificationMessage["event"], string> = {
  triggered: "Incident triggered",
  escalated: "Incident escalated",
  acknowledged: "Incident acknowledged",
  resolved: "Incident resolved",
  reopened: "Incident reopened",
  test: "Test notification",
};

/** "[P1] Incident triggered: <title> (<tenant>)": the one-line form (subject, Slack fallback text). */
export function headline(m: NotificationMessage): string {
  return `[${m.priority}] ${EVENT_LABEL[m.event]}: ${m.title} (${m.tenant.name})`;
}

export function eventLabel(m: NotificationMessage): string {
  return EVENT_LABEL[m.event];
}

/** Cuts `s` to `max` characters (with an ellipsis when cut). */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

import { z } from "zod";
import type { Channel, NotificationMessage } from "./channel.ts";
import { httpUrl, SEVERITY_BY_PRIORITY } from "./channel.ts";
import { clip } from "./format.ts";
import { postJson } from "./http.ts";

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

const ACTION = { triggered: "trigger", acknowledged: "acknowledge", resolved: "resolve" } as const;

/**
 * PagerDuty's alert key for an incident: the same for its trigger, acknowledge and resolve (Events API v2
 * correlates them by it), distinct per tenant. At most 255 characters.
 */
export function pagerDutyDedupKey(m: Pick<NotificationMessage, "tenant" | "incidentId">): string {
  return clip(`steward:${m.tenant.id}:${m.incidentId}`, 255);
}

/**
 * An Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/): the action
 * follows the incident's status (an escalation or reopening re-triggers); trigger carries the payload
 * (summary ≤ 1024, severity from the priority), acknowledge and resolve only the key.
 */
export function pagerDutyPayload(m: NotificationMessage, routingKey: string) {
  const event_action = ACTION[m.status];
  const base = { routing_key: routingKey, event_action, dedup_key: pagerDutyDedupKey(m) };
  if (event_action !== "trigger") return base;
  return {
    ...base,
    payload: {
      summary: clip(`[${m.priority}] ${m.title} (${m.tenant.name})`, 1024),
      source: clip(`steward/${m.tenant.name}`, 255),
      severity: SEVERITY_BY_PRIORITY[m.priority],
      timestamp: m.occurredAt.toISOString(),
      group: clip(m.tenant.name, 255),
      class: "incident",
      custom_details: { tenant: m.tenant.name, priority: m.priority, summary: clip(m.summary, 4000) },
    },
    client: "Steward",
    client_url: m.url,
    links: [{ href: m.url, text: "Open in Steward" }],
  };
}

const configSchema = z.object({
  /** Events API endpoint (a PagerDuty EU account or a proxy may differ). */
  endpoint: httpUrl.default(PAGERDUTY_EVENTS_URL),
});
const secretsSchema = z.object({
  /** The integration's routing key (32 characters). */
  routingKey: z.string().regex(/^[A-Za-z0-9]{20,64}$/, "a PagerDuty integration routing key"),
});

export const pagerDutyChannel: Channel<typeof configSchema, typeof secretsSchema> = {
  kind: "PAGERDUTY",
  configSchema,
  secretsSchema,
  secretFields: ["routingKey"],
  send: (message, ctx) =>
    postJson(ctx.config.endpoint, JSON.stringify(pagerDutyPayload(message, ctx.secrets.routingKey)), {}, ctx),
};

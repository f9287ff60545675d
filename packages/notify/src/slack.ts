import { z } from "zod";
import type { Channel, NotificationMessage } from "./channel.ts";
import { httpUrl, noConfigSchema } from "./channel.ts";
import { clip, eventLabel, headline } from "./format.ts";
import { postJson } from "./http.ts";

/** Slack's mrkdwn escapes (https://api.slack.com/reference/surfaces/formatting#escaping). */
const mrkdwn = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * An incoming-webhook message (https://api.slack.com/messaging/webhooks): `text` is the notification's
 * fallback, `blocks` the layout (header, fields, summary, a button to the incident, the time).
 */
export function slackPayload(m: NotificationMessage) {
  return {
    text: mrkdwn(clip(headline(m), 3000)),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(`${eventLabel(m)}: ${m.title}`, 150), emoji: false } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Client*\n${mrkdwn(clip(m.tenant.name, 200))}` },
          { type: "mrkdwn", text: `*Priority*\n${m.priority}` },
          { type: "mrkdwn", text: `*Status*\n${m.status}` },
        ],
      },
      ...(m.summary ? [{ type: "section", text: { type: "mrkdwn", text: mrkdwn(clip(m.summary, 3000)) } }] : []),
      {
        type: "actions",
        elements: [{ type: "button", text: { type: "plain_text", text: "Open incident" }, url: m.url }],
      },
      { type: "context", elements: [{ type: "mrkdwn", text: `Steward · ${m.occurredAt.toISOString()}` }] },
    ],
  };
}

const secretsSchema = z.object({
  /** The webhook URL is the credential (https://hooks.slack.com/services/T…/B…/<token>). */
  webhookUrl: httpUrl,
});

export const slackChannel: Channel<typeof noConfigSchema, typeof secretsSchema> = {
  kind: "SLACK",
  configSchema: noConfigSchema,
  secretsSchema,
  secretFields: ["webhookUrl"],
  send: (message, ctx) => postJson(ctx.secrets.webhookUrl, JSON.stringify(slackPayload(message)), {}, ctx),
};

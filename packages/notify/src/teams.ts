import { z } from "zod";
import type { Channel, NotificationMessage } from "./channel.ts";
import { httpUrl, noConfigSchema } from "./channel.ts";
import { clip, eventLabel } from "./format.ts";
import { postJson } from "./http.ts";

const COLOR = { P1: "attention", P2: "warning", P3: "accent", P4: "default" } as const;

/**
 * A Teams incoming-webhook message (Workflows or the legacy connector): one Adaptive Card attachment
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
 */
export function teamsPayload(m: NotificationMessage) {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            {
              type: "TextBlock",
              size: "Large",
              weight: "Bolder",
              wrap: true,
              color: COLOR[m.priority],
              text: clip(`${eventLabel(m)}: ${m.title}`, 500),
            },
            {
              type: "FactSet",
              facts: [
                { title: "Client", value: clip(m.tenant.name, 200) },
                { title: "Priority", value: m.priority },
                { title: "Status", value: m.status },
                { title: "Occurred", value: m.occurredAt.toISOString() },
              ],
            },
            ...(m.summary ? [{ type: "TextBlock", wrap: true, text: clip(m.summary, 4000) }] : []),
          ],
          actions: [{ type: "Action.OpenUrl", title: "Open incident", url: m.url }],
        },
      },
    ],
  };
}

const secretsSchema = z.object({
  /** The webhook URL carries its own signature (sig=… / the connector's token): it is the credential. */
  webhookUrl: httpUrl,
});

export const teamsChannel: Channel<typeof noConfigSchema, typeof secretsSchema> = {
  kind: "TEAMS",
  configSchema: noConfigSchema,
  secretsSchema,
  secretFields: ["webhookUrl"],
  send: (message, ctx) => postJson(ctx.secrets.webhookUrl, JSON.stringify(teamsPayload(message)), {}, ctx),
};

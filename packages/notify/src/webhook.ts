import { createHash, createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Channel, NotificationMessage } from "./channel.ts";
import { httpUrl } from "./channel.ts";
import { postJson } from "./http.ts";

/**
 * A generic JSON webhook signed per the Standard Webhooks spec (https://www.standardwebhooks.com/):
 * `webhook-id` (the same on every retry of one notification, from its dedup key), `webhook-timestamp`
 * (Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the
 * secret's bytes). Receivers verify with any Standard Webhooks library and drop repeated ids.
 */
export const WEBHOOK_SECRET_PREFIX = "whsec_";
const SECRET = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** The `webhook-id` of a notification: stable across retries, no raw key on the wire. */
export function webhookId(dedupKey: string): string {
  return `msg_${createHash("sha256").update(dedupKey).digest("base64url").slice(0, 32)}`;
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The JSON body: Standard Webhooks' envelope (`type`, `timestamp`, `data`). */
export function webhookPayload(m: NotificationMessage) {
  return {
    type: `incident.${m.event}`,
    timestamp: m.occurredAt.toISOString(),
    data: {
      incident: {
        id: m.incidentId,
        title: m.title,
        status: m.status,
        priority: m.priority,
        url: m.url,
        summary: m.summary,
      },
      tenant: { id: m.tenant.id, name: m.tenant.name },
      dedupKey: m.dedupKey,
    },
  };
}

const configSchema = z.object({ url: httpUrl });
const secretsSchema = z.object({
  signingSecret: z.string().regex(SECRET, "a Standard Webhooks secret: whsec_ followed by base64 (24 bytes or more)"),
});

export const webhookChannel: Channel<typeof configSchema, typeof secretsSchema> = {
  kind: "WEBHOOK",
  configSchema,
  secretsSchema,
  secretFields: ["signingSecret"],
  send: (message, ctx) => {
    const body = JSON.stringify(webhookPayload(message));
    const id = webhookId(message.dedupKey);
    const timestamp = Math.floor(Date.now() / 1000);
    return postJson(
      ctx.config.url,
      body,
      {
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(ctx.secrets.signingSecret, id, timestamp, body),
      },
      ctx,
    );
  },
};

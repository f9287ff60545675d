import { randomUUID } from "node:crypto";
import { SingleLineText } from "@steward/domain";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { isUniqueViolation } from "../db-errors.ts";
import { ConflictError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import {
  CHANNEL_SELECT,
  ChannelKindInput,
  channelModule,
  channelView,
  checkSecretsComplete,
  parseChannelConfig,
  providedSecrets,
  sealChannelSecrets,
} from "./channel-fields.ts";

export const ChannelName = SingleLineText({ label: "Name", min: 1, max: 100 });
/** Secret values by field name (write-only; an empty value is "not given"). */
export const ChannelSecretsInput = z.record(z.string().max(100), z.string().max(4096));

export const CreateChannelInput = z.object({
  kind: ChannelKindInput,
  name: ChannelName,
  /** The kind's non-secret settings (validated with its configSchema). */
  config: z.record(z.string().max(100), z.unknown()).default({}),
  secrets: ChannelSecretsInput.default({}),
  enabled: z.boolean().default(true),
});
export type CreateChannelInput = z.input<typeof CreateChannelInput>;

const nameTaken = (name: string) => new ConflictError(`A channel named ${name} already exists`, { field: "name" });

/**
 * Add a notification channel (tenant:write: client admin, provider admin). The secrets are sealed for
 * (tenant, `channel:<id>`, field) before they reach the database; the answer and the audit row
 * (`channel.create`) name the secrets set, never a value.
 */
export async function createChannel(ctx: ServiceContext, rawInput: CreateChannelInput) {
  requirePermission(ctx, "tenant:write");
  const input = CreateChannelInput.parse(rawInput);
  const tenant = requireTenant(ctx);
  const module = channelModule(input.kind);
  const config = parseChannelConfig(module, input.config);
  const plain = providedSecrets(module, input.secrets);
  checkSecretsComplete(module, plain);
  const id = randomUUID();
  const secrets = sealChannelSecrets(tenant.id, id, plain);
  try {
    return await withTenant(ctx, async (tx) => {
      if (
        await tx.notificationChannel.findFirst({
          where: { tenantId: tenant.id, name: input.name },
          select: { id: true },
        })
      ) {
        throw nameTaken(input.name);
      }
      const row = await tx.notificationChannel.create({
        data: {
          id,
          tenantId: tenant.id,
          kind: input.kind,
          name: input.name,
          config: config as object,
          secrets,
          enabled: input.enabled,
        },
        select: CHANNEL_SELECT,
      });
      await emitAudit(tx, ctx, {
        action: "channel.create",
        targetType: "notification_channel",
        targetId: row.id,
        metadata: { kind: row.kind, name: row.name, enabled: row.enabled, secrets: Object.keys(secrets).sort() },
      });
      return channelView(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

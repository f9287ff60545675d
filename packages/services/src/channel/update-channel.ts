import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { isUniqueViolation } from "../db-errors.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { type SealedSecrets, sealedSecretsOf } from "../secrets/monitor-secrets.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import {
  CHANNEL_SELECT,
  channelModule,
  channelOrThrow,
  channelTarget,
  channelView,
  checkSecretsComplete,
  parseChannelConfig,
  providedSecrets,
  requiredSecretFields,
  sealChannelSecrets,
} from "./channel-fields.ts";
import { ChannelName, ChannelSecretsInput } from "./create-channel.ts";

export const UpdateChannelInput = z.object({
  channelId: z.uuid(),
  name: ChannelName.optional(),
  /** The whole new settings (omitted: unchanged). */
  config: z.record(z.string().max(100), z.unknown()).optional(),
  /** Write-only: a field left out or sent empty keeps the stored value (unless the target changed). */
  secrets: ChannelSecretsInput.default({}),
  enabled: z.boolean().optional(),
});
export type UpdateChannelInput = z.input<typeof UpdateChannelInput>;

/**
 * Edit a channel (tenant:write). Secrets are write-only: an omitted or empty one keeps the stored value,
 * except that a new target (URL, SMTP host or port, endpoint) drops every stored secret that is not
 * re-entered, so credentials never follow a channel to another peer. Audited as `channel.update` with the
 * changed fields and the secret NAMES set and cleared.
 */
export async function updateChannel(ctx: ServiceContext, rawInput: UpdateChannelInput) {
  requirePermission(ctx, "tenant:write");
  const input = UpdateChannelInput.parse(rawInput);
  const tenant = requireTenant(ctx);
  try {
    return await withTenant(ctx, async (tx) => {
      const current = await channelOrThrow(tx, tenant.id, input.channelId);
      const module = channelModule(current.kind);
      const oldConfig = (current.config ?? {}) as Record<string, unknown>;
      const config = input.config !== undefined ? parseChannelConfig(module, input.config) : oldConfig;
      const fresh = providedSecrets(module, input.secrets);
      const stored = sealedSecretsOf(current.secrets);
      const retarget = channelTarget(oldConfig) !== channelTarget(config);
      const secrets: SealedSecrets = {};
      const cleared: string[] = [];
      let kept = 0;
      for (const field of module.secretFields) {
        if (fresh[field] !== undefined || stored[field] === undefined) continue;
        if (retarget) cleared.push(field);
        else {
          secrets[field] = stored[field];
          kept++;
        }
      }
      if (kept === 0) checkSecretsComplete(module, fresh);
      for (const field of requiredSecretFields(module)) {
        if (fresh[field] === undefined && secrets[field] === undefined) {
          throw new ValidationError(
            cleared.includes(field) ? `Re-enter ${field}: the channel's target changed` : `${field} is required`,
            { field: `secrets.${field}` },
          );
        }
      }
      Object.assign(secrets, sealChannelSecrets(tenant.id, current.id, fresh));
      if (input.name !== undefined && input.name !== current.name) {
        const taken = await tx.notificationChannel.findFirst({
          where: { tenantId: tenant.id, name: input.name },
          select: { id: true },
        });
        if (taken) throw new ConflictError(`A channel named ${input.name} already exists`, { field: "name" });
      }
      const row = await tx.notificationChannel.updateManyAndReturn({
        where: { id: current.id, tenantId: tenant.id },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          config: config as object,
          secrets,
        },
        select: CHANNEL_SELECT,
      });
      const updated = row[0];
      if (!updated) throw new ConflictError("The channel changed meanwhile: try again");
      const fields = [
        ...(input.name !== undefined && input.name !== current.name ? ["name"] : []),
        ...(input.enabled !== undefined && input.enabled !== current.enabled ? ["enabled"] : []),
        ...(JSON.stringify(config) !== JSON.stringify(oldConfig) ? ["config"] : []),
      ];
      await emitAudit(tx, ctx, {
        action: "channel.update",
        targetType: "notification_channel",
        targetId: current.id,
        metadata: {
          kind: current.kind,
          name: updated.name,
          fields,
          secrets: { set: Object.keys(fresh).sort(), cleared },
        },
      });
      return { ...channelView(updated), secretsCleared: cleared };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError(`A channel named ${input.name} already exists`, { field: "name" });
    throw err;
  }
}

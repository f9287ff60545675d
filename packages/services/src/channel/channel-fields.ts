import type { Tx } from "@steward/db";
import { hasNulCharacter } from "@steward/domain";
import { CHANNEL_KINDS, type Channel, getChannel } from "@steward/notify";
import { isSealed, type SecretBox } from "@steward/secrets";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../errors.ts";
import { type SealedSecrets, sealedSecretsOf, secretBox } from "../secrets/monitor-secrets.ts";

/**
 * Notification channels at rest (issue 9 item 4, ADR 0019). `config` holds the kind's non-secret settings
 * (its `configSchema`); the credentials (its `secretFields`) live in `secrets` as `{ "<field>": "<sealed>" }`,
 * each sealed by @steward/secrets for (tenant, `channel:<id>`, field). The verbs here only SEAL; the
 * delivery worker opens them (openChannelSecrets) right before it sends.
 */
export const ChannelKindInput = z.enum(CHANNEL_KINDS);

export const channelSecretOwner = (channelId: string) => `channel:${channelId}`;

/** The stored row as the verbs read it (secrets are never selected for a reader's answer). */
export const CHANNEL_SELECT = {
  id: true,
  tenantId: true,
  kind: true,
  name: true,
  config: true,
  secrets: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

interface StoredChannel {
  id: string;
  kind: string;
  name: string;
  config: unknown;
  secrets: unknown;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What a channel looks like to the tenant: its settings and the NAMES of the secrets set, never a value. */
export function channelView(row: StoredChannel) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    config: (row.config ?? {}) as Record<string, unknown>,
    secretsSet: Object.keys(sealedSecretsOf(row.secrets)).sort(),
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type ChannelView = ReturnType<typeof channelView>;

export function channelModule(kind: string): Channel {
  const module = getChannel(kind);
  if (!module) throw new ValidationError(`Unknown channel kind ${kind}`, { field: "kind" });
  return module;
}

function containsNul(value: unknown, depth = 0): boolean {
  if (depth > 20) return true;
  if (typeof value === "string") return hasNulCharacter(value);
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).some(([k, v]) => hasNulCharacter(k) || containsNul(v, depth + 1));
  }
  return false;
}

/**
 * safeParse that never throws: a kind's schema (packages/notify) that throws on hostile input is a validation
 * failure for the caller, never a 500.
 */
function safeParse(schema: z.ZodType, value: unknown, field: string) {
  try {
    return schema.safeParse(value);
  } catch {
    throw new ValidationError("Invalid value", { field });
  }
}

function issueMessage(error: z.ZodError, prefix: string): { message: string; field: string } {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  return { message: issue?.message ?? "Invalid value", field: path ? `${prefix}.${path}` : prefix };
}

/** The kind's settings, validated (defaults applied, unknown keys dropped). Never holds a secret. */
export function parseChannelConfig(module: Channel, raw: unknown): Record<string, unknown> {
  if (containsNul(raw)) throw new ValidationError("Settings cannot contain a NUL character", { field: "config" });
  const parsed = safeParse(module.configSchema, raw ?? {}, "config");
  if (!parsed.success) {
    const { message, field } = issueMessage(parsed.error, "config");
    throw new ValidationError(message, { field });
  }
  return parsed.data as Record<string, unknown>;
}

/**
 * The secret values an input sends (an empty value means "keep the stored one" and is left out). A field
 * the kind does not have is refused; each value is checked against its field's schema.
 */
export function providedSecrets(module: Channel, raw: Readonly<Record<string, string>>): Record<string, string> {
  const fields = new Set<string>(module.secretFields);
  const shape = module.secretsSchema.shape as Record<string, z.ZodType>;
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!fields.has(field)) throw new ValidationError(`${module.kind} has no secret ${field}`, { field: "secrets" });
    if (value === "") continue;
    const parsed = shape[field] ? safeParse(shape[field], value, `secrets.${field}`) : undefined;
    if (!parsed?.success) {
      throw new ValidationError(parsed?.error.issues[0]?.message ?? "Invalid value", { field: `secrets.${field}` });
    }
    out[field] = value;
  }
  return out;
}

/** The whole secrets object against the kind's schema (required fields, cross-field rules). */
export function checkSecretsComplete(module: Channel, plain: Record<string, string>): void {
  const parsed = safeParse(module.secretsSchema, plain, "secrets");
  if (!parsed.success) {
    const { message, field } = issueMessage(parsed.error, "secrets");
    throw new ValidationError(message, { field });
  }
}

/** The secret fields the kind requires (a stored one may stand in for them on an edit). */
export function requiredSecretFields(module: Channel): string[] {
  const shape = module.secretsSchema.shape as Record<string, z.ZodType>;
  return module.secretFields.filter((f) => !shape[f]?.safeParse(undefined).success);
}

/**
 * Where the channel's credentials are sent: a change (URL, SMTP host or port, PagerDuty endpoint) drops the
 * stored secrets unless they are re-entered (as monitors do, issue 8 item 2).
 */
export function channelTarget(config: Record<string, unknown>): string {
  return JSON.stringify([config.url ?? null, config.host ?? null, config.port ?? null, config.endpoint ?? null]);
}

export function sealChannelSecrets(
  tenantId: string,
  channelId: string,
  plain: Readonly<Record<string, string>>,
  sb: SecretBox = secretBox(),
): SealedSecrets {
  const out: SealedSecrets = {};
  for (const [field, value] of Object.entries(plain)) {
    out[field] = sb.seal(value, { tenantId, owner: channelSecretOwner(channelId), field });
  }
  return out;
}

/** Opens every sealed value of a channel (the delivery worker only). Throws SecretOpenError on any failure. */
export function openChannelSecrets(
  tenantId: string,
  channelId: string,
  sealed: unknown,
  sb: SecretBox = secretBox(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(sealedSecretsOf(sealed))) {
    if (!isSealed(value)) continue;
    out[field] = sb.open(value, { tenantId, owner: channelSecretOwner(channelId), field });
  }
  return out;
}

/** The channel in this tenant, or NotFound (a foreign id looks exactly like a missing one). */
export async function channelOrThrow(tx: Tx, tenantId: string, channelId: string) {
  const row = await tx.notificationChannel.findFirst({
    where: { id: channelId, tenantId },
    select: CHANNEL_SELECT,
  });
  if (!row) throw new NotFoundError("Channel not found");
  return row;
}

import { randomBytes } from "node:crypto";
import { withSystem } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { secretBox } from "../secrets/monitor-secrets.ts";
import { auditRows, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { openChannelSecrets } from "./channel-fields.ts";
import { createChannel } from "./create-channel.ts";
import { deleteChannel } from "./delete-channel.ts";
import { listChannels } from "./list-channels.ts";
import { updateChannel } from "./update-channel.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

const canary = () => randomBytes(12).toString("hex");
const slackUrl = (c: string) => `https://hooks.slack.com/services/T0000/B0000/CANARY${c}`;
const whsec = (c: string) => `whsec_${Buffer.from(`CANARY-${c}-padding-bytes`).toString("base64")}`;
const raw = (id: string) => withSystem((tx) => tx.notificationChannel.findUnique({ where: { id } }));

describe("channel verbs", () => {
  it("a client admin creates a channel: secrets sealed at rest, never listed, audited by name only", async () => {
    const { A } = w.tenants;
    const ctx = await tenantContext(w.personas.clientAdminA.user, A.id);
    const c = canary();
    const created = await createChannel(ctx, {
      kind: "WEBHOOK",
      name: "Ops hook",
      config: { url: "https://hooks.example.com/steward" },
      secrets: { signingSecret: whsec(c) },
    });
    expect(created).toMatchObject({ kind: "WEBHOOK", name: "Ops hook", secretsSet: ["signingSecret"], enabled: true });
    expect(JSON.stringify(created)).not.toContain("CANARY");

    const row = await raw(created.id);
    expect(JSON.stringify(row)).not.toContain(c);
    expect(JSON.stringify(row)).not.toContain(whsec(c));
    expect(openChannelSecrets(A.id, created.id, row?.secrets, secretBox())).toEqual({ signingSecret: whsec(c) });
    // bound to its owner: another channel id does not open it
    expect(() => openChannelSecrets(A.id, w.tenants.B.id, row?.secrets, secretBox())).toThrow();

    const listed = await listChannels(await tenantContext(w.personas.clientViewerA.user, A.id));
    const mine = listed.find((l) => l.id === created.id);
    expect(mine).toMatchObject({ config: { url: "https://hooks.example.com/steward" }, secretsSet: ["signingSecret"] });
    expect(JSON.stringify(listed)).not.toContain("sb1.");
    expect(JSON.stringify(listed)).not.toContain(whsec(c));

    const [audit] = await auditRows({ tenantId: A.id, action: "channel.create" });
    expect(audit).toMatchObject({ targetId: created.id, metadata: { kind: "WEBHOOK", secrets: ["signingSecret"] } });
    expect(JSON.stringify(audit?.metadata)).not.toContain(c);

    await expect(
      createChannel(ctx, { kind: "SLACK", name: "Ops hook", secrets: { webhookUrl: slackUrl(canary()) } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("refuses a missing or malformed secret, an unknown secret field and bad settings", async () => {
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    await expect(createChannel(ctx, { kind: "SLACK", name: "No url" })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createChannel(ctx, { kind: "SLACK", name: "Bad url", secrets: { webhookUrl: "not a url" } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createChannel(ctx, { kind: "SLACK", name: "Extra", secrets: { webhookUrl: slackUrl(canary()), other: "x" } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createChannel(ctx, { kind: "EMAIL", name: "Mail", config: { host: "smtp.example.com" } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("update keeps an omitted or empty secret, replaces a re-entered one and clears them on a new URL", async () => {
    const { A } = w.tenants;
    const ctx = await tenantContext(w.personas.providerAdmin.user, A.id);
    const c1 = canary();
    const ch = await createChannel(ctx, {
      kind: "WEBHOOK",
      name: "Hook 2",
      config: { url: "https://one.example.com/" },
      secrets: { signingSecret: whsec(c1) },
    });
    const before = (await raw(ch.id))?.secrets;
    const renamed = await updateChannel(ctx, { channelId: ch.id, name: "Hook two", secrets: { signingSecret: "" } });
    expect(renamed).toMatchObject({ name: "Hook two", secretsSet: ["signingSecret"], secretsCleared: [] });
    expect((await raw(ch.id))?.secrets).toEqual(before);

    const c2 = canary();
    await updateChannel(ctx, { channelId: ch.id, secrets: { signingSecret: whsec(c2) } });
    expect(openChannelSecrets(A.id, ch.id, (await raw(ch.id))?.secrets)).toEqual({ signingSecret: whsec(c2) });

    // a new URL without the secret re-entered: refused (the signing secret is required), nothing changed
    await expect(
      updateChannel(ctx, { channelId: ch.id, config: { url: "https://two.example.com/" } }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(openChannelSecrets(A.id, ch.id, (await raw(ch.id))?.secrets)).toEqual({ signingSecret: whsec(c2) });

    // e-mail: optional credentials are dropped when the SMTP host changes
    const c3 = canary();
    const mail = await createChannel(ctx, {
      kind: "EMAIL",
      name: "Mail",
      config: { host: "smtp.example.com", from: "steward@example.com", to: ["oncall@example.com"] },
      secrets: { username: "steward", password: `CANARY${c3}` },
    });
    expect(mail.secretsSet).toEqual(["password", "username"]);
    const moved = await updateChannel(ctx, {
      channelId: mail.id,
      config: { host: "smtp.other.example", from: "steward@example.com", to: ["oncall@example.com"] },
    });
    expect(moved).toMatchObject({ secretsSet: [], secretsCleared: ["username", "password"] });
    expect((await raw(mail.id))?.secrets).toEqual({});

    const [audit] = await auditRows({ tenantId: A.id, action: "channel.update" });
    expect(audit?.metadata).toMatchObject({
      fields: ["config"],
      secrets: { set: [], cleared: ["username", "password"] },
    });
    for (const row of await auditRows({ tenantId: A.id })) {
      for (const c of [c1, c2, c3]) expect(JSON.stringify(row.metadata)).not.toContain(c);
    }
  });

  it("delete removes the channel and audits", async () => {
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    const ch = await createChannel(ctx, { kind: "TEAMS", name: "Teams", secrets: { webhookUrl: slackUrl(canary()) } });
    expect(await deleteChannel(ctx, { channelId: ch.id })).toEqual({ deleted: ch.id });
    expect(await raw(ch.id)).toBeNull();
    const [audit] = await auditRows({ tenantId: w.tenants.A.id, action: "channel.delete" });
    expect(audit).toMatchObject({ targetId: ch.id, metadata: { kind: "TEAMS", name: "Teams" } });
    await expect(deleteChannel(ctx, { channelId: ch.id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a viewer or an engineer is Forbidden to write; a foreign channel id is NotFound", async () => {
    const { A, B } = w.tenants;
    const adminB = await tenantContext(w.personas.clientAdminB.user, B.id);
    const foreign = await createChannel(adminB, {
      kind: "PAGERDUTY",
      name: "PD",
      secrets: { routingKey: `R${canary()}` },
    });
    for (const persona of [w.personas.clientViewerA, w.personas.engineerA]) {
      const ctx = await tenantContext(persona.user, A.id);
      await expect(
        createChannel(ctx, { kind: "SLACK", name: "Nope", secrets: { webhookUrl: slackUrl(canary()) } }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(updateChannel(ctx, { channelId: foreign.id, enabled: false })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(deleteChannel(ctx, { channelId: foreign.id })).rejects.toBeInstanceOf(ForbiddenError);
    }
    const adminA = await tenantContext(w.personas.clientAdminA.user, A.id);
    await expect(updateChannel(adminA, { channelId: foreign.id, enabled: false })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteChannel(adminA, { channelId: foreign.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await listChannels(adminA)).map((c) => c.id)).not.toContain(foreign.id);
    expect(await raw(foreign.id)).toMatchObject({ enabled: true });
    await expect(tenantContext(w.personas.clientAdminA.user, B.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("the database refuses a secret in clear", async () => {
    await expect(
      withSystem((tx) =>
        tx.notificationChannel.create({
          data: { tenantId: w.tenants.A.id, kind: "SLACK", name: "Raw", secrets: { webhookUrl: slackUrl("x") } },
        }),
      ),
    ).rejects.toThrow(/notification_channels_secrets_sealed/);
  });
});

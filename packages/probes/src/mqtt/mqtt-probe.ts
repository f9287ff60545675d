import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import mqtt from "mqtt";
import { z } from "zod";
import { resolvePinnedWithin, runProbe, TargetError } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

export const MqttProbeConfig = z.object({
  host: HostSchema,
  port: PortSchema.default(1883),
  username: z.string().min(1).max(256, "Username is too long").optional(),
  /** Secret: never logged, never echoed in an error. */
  password: z.string().max(1024, "Password is too long").optional(),
  /** TLS (mqtts) with full verification (chain + hostname). */
  tls: z.boolean().default(false),
  /** The round trip uses `<topicPrefix>/<random id>`: the probe's user needs publish + subscribe there. */
  topicPrefix: z
    .string()
    .trim()
    .min(1, "Topic prefix is required")
    .max(128, "Topic prefix is at most 128 characters")
    .refine((t) => !/[+#\0]/.test(t), { message: "Topic prefix cannot contain wildcards (+, #)" })
    .transform((t) => t.replace(/\/+$/, ""))
    .default("steward/probe"),
  qos: z.union([z.literal(0), z.literal(1)]).default(1),
});
export type MqttProbeConfig = z.infer<typeof MqttProbeConfig>;

const CONNACK_REASONS: Record<number, string> = {
  1: "unacceptable protocol version",
  2: "client identifier rejected",
  3: "server unavailable",
  4: "bad user name or password",
  5: "not authorized",
};

/**
 * MQTT: connect (MQTT 3.1.1, clean session, no reconnects) to the SSRF-pinned address, subscribe to a
 * unique topic, publish a random payload, and wait for it to come back. Refused connections, CONNACK
 * rejections, a subscription the broker denies, or a message that never arrives fail; the client is
 * force-closed whatever happens.
 */
export const mqttProbe: Probe<"MQTT", typeof MqttProbeConfig> = {
  kind: "MQTT",
  configSchema: MqttProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      const { address } = await resolvePinnedWithin(config.host, ctx.ssrf, run, config.port);
      const id = randomUUID();
      const client = mqtt.connect({
        host: address,
        port: config.port,
        protocol: config.tls ? "mqtts" : "mqtt",
        ...(config.tls && !isIP(config.host) ? { servername: config.host } : {}),
        rejectUnauthorized: true,
        protocolVersion: 4,
        clientId: `steward-probe-${id.slice(0, 8)}`,
        clean: true,
        keepalive: 30,
        reconnectPeriod: 0,
        connectTimeout: ctx.timeoutMs,
        ...(config.username !== undefined ? { username: config.username } : {}),
        ...(config.password !== undefined ? { password: config.password } : {}),
      });
      run.defer(() => client.end(true));
      await new Promise<void>((resolve, reject) => {
        client.once("connect", () => resolve());
        // `on`, not `once`: mqtt may emit several errors before giving up, and an unheard one would throw.
        client.on("error", (err: Error & { code?: string | number }) => {
          const reason = typeof err.code === "number" ? CONNACK_REASONS[err.code] : undefined;
          // A CONNACK code maps to fixed words; anything else is described by its code only (probe-run.ts).
          reject(reason ? new TargetError(`broker refused the connection: ${reason}`) : err);
        });
        client.once("close", () => reject(new TargetError("connection closed before CONNACK")));
        run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
      });

      const topic = `${config.topicPrefix}/${id}`;
      const payload = `steward-probe ${id} ${Date.now()}`;
      const received = new Promise<void>((resolve) => {
        client.on("message", (t, message) => {
          if (t === topic && message.toString() === payload) resolve();
        });
      });
      const granted = await run.race(client.subscribeAsync(topic, { qos: config.qos }));
      if (granted.some((g) => g.qos === 128)) return { ok: false, error: `broker denied the subscription to ${topic}` };
      await run.race(client.publishAsync(topic, payload, { qos: config.qos }));
      await run.race(received);
      client.end(true);
      return { ok: true };
    });
  },
};

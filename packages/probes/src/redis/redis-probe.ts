import net from "node:net";
import tls from "node:tls";
import { z } from "zod";
import { checkLiteralHost, runProbe, TargetError } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

export const RedisProbeConfig = z.object({
  host: HostSchema,
  port: PortSchema.default(6379),
  /** ACL user (Redis 6+); absent = the default user. */
  username: z.string().min(1).max(256, "Username is too long").optional(),
  /** Secret: never logged, never echoed in an error. */
  password: z
    .string()
    .min(1, "Password cannot be empty (leave it out instead)")
    .max(1024, "Password is too long")
    .optional(),
  /** TLS with full verification (chain + hostname). */
  tls: z.boolean().default(false),
});
export type RedisProbeConfig = z.infer<typeof RedisProbeConfig>;

const MAX_REPLY_BYTES = 64 * 1024;

/** Error-reply prefixes Redis documents; any other first word is reported as "ERR" (never copied). */
const REPLY_CODES = new Set([
  "ERR",
  "WRONGPASS",
  "NOAUTH",
  "NOPERM",
  "LOADING",
  "BUSY",
  "MASTERDOWN",
  "MISCONF",
  "READONLY",
  "WRONGTYPE",
  "CLUSTERDOWN",
  "TRYAGAIN",
]);

/** " (CODE)" for an error reply "-CODE text…": a code from the fixed list, never the text. */
function replyCode(reply: string): string {
  if (!reply.startsWith("-")) return " (unexpected reply)";
  const word = reply.slice(1).split(" ", 1)[0] ?? "";
  return ` (${REPLY_CODES.has(word) ? word : "ERR"})`;
}

function encodeCommand(args: string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(""));
}

/**
 * Redis PING over a plain RESP connection (no client library: one socket, no reconnect logic, nothing
 * to leak): optional AUTH [username] password, then PING; ok when the reply is +PONG. Wrong password,
 * NOAUTH, refused, timeouts fail. The connection goes to the SSRF-checked address (guarded lookup).
 */
export const redisProbe: Probe<"REDIS", typeof RedisProbeConfig> = {
  kind: "REDIS",
  configSchema: RedisProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      checkLiteralHost(config.host, ctx.ssrf, config.port);
      const commands: string[][] = [];
      if (config.password !== undefined) {
        commands.push(config.username ? ["AUTH", config.username, config.password] : ["AUTH", config.password]);
      }
      commands.push(["PING"]);

      const replies = await new Promise<string[]>((resolve, reject) => {
        const opts = { host: config.host, port: config.port, lookup: ctx.ssrf.lookupFor(config.port) };
        const socket = config.tls
          ? tls.connect({ ...opts, ...(net.isIP(config.host) ? {} : { servername: config.host }) })
          : net.connect(opts);
        run.defer(() => socket.destroy());
        socket.once(config.tls ? "secureConnect" : "connect", () => {
          socket.write(Buffer.concat(commands.map(encodeCommand)));
        });
        let buf = "";
        const lines: string[] = [];
        socket.on("data", (chunk: Buffer) => {
          buf += chunk.toString("utf8");
          if (buf.length > MAX_REPLY_BYTES) return reject(new TargetError("reply too large"));
          let i = buf.indexOf("\r\n");
          while (i >= 0 && lines.length < commands.length) {
            lines.push(buf.slice(0, i));
            buf = buf.slice(i + 2);
            i = buf.indexOf("\r\n");
          }
          if (lines.length >= commands.length) {
            socket.destroy();
            resolve(lines);
          }
        });
        socket.on("error", reject);
        socket.once("close", () => reject(new TargetError("connection closed before the reply")));
        run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
      });

      // Error replies are the server's words: only their code (a known prefix) is reported, never the text.
      for (const reply of replies.slice(0, -1)) {
        if (!reply.startsWith("+")) return { ok: false, error: `authentication failed${replyCode(reply)}` };
      }
      const pong = replies[replies.length - 1] ?? "";
      if (pong === "+PONG") return { ok: true };
      if (pong.startsWith("-NOAUTH")) return { ok: false, error: "authentication required (NOAUTH)" };
      if (pong.startsWith("-")) return { ok: false, error: `PING failed${replyCode(pong)}` };
      return { ok: false, error: "unexpected reply to PING (not a Redis server?)" };
    });
  },
};

import { spawn } from "node:child_process";
import { z } from "zod";
import { ProbeInfraError, resolvePinnedWithin, runProbe } from "../common/probe-run.ts";
import { HostSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

export const IcmpProbeConfig = z
  .object({
    host: HostSchema,
    /** Echo requests per run, 200 ms apart. */
    count: z.number().int().min(1, "At least 1 packet").max(10, "At most 10 packets").default(3),
    /** Replies needed for the run to be up (default 1: any reply). */
    minReplies: z.number().int().min(1, "At least 1 reply").max(10).default(1),
  })
  .refine((c) => c.minReplies <= c.count, {
    message: "Replies needed cannot exceed packets sent",
    path: ["minReplies"],
  });
export type IcmpProbeConfig = z.infer<typeof IcmpProbeConfig>;

export interface PingSummary {
  transmitted: number;
  received: number;
  avgMs: number | null;
}

/** Parses iputils-ping's summary (LC_ALL=C): "N packets transmitted, M received" and the rtt line. */
export function parsePingOutput(stdout: string): PingSummary | null {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  if (!counts) return null;
  const rtt = /(?:rtt|round-trip) min\/avg\/max\/(?:mdev|stddev) = [\d.]+\/([\d.]+)\/[\d.]+\/[\d.]+ ms/.exec(stdout);
  return {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    avgMs: rtt ? Number(rtt[1]) : null,
  };
}

const INFRA_STDERR = /Operation not permitted|Permission denied|socket: |Address family not supported/i;

/**
 * ICMP echo via the system `ping` from Debian's iputils-ping, not a raw socket in-process: raw ICMP
 * sockets need root or CAP_NET_RAW for the whole worker plus a native addon, while iputils' ping is
 * installed with the capability it needs (cap_net_raw / ping_group_range), is battle-tested, and keeps
 * the worker unprivileged. The host is resolved through the SSRF guard first and ping is given the
 * checked IP literal (-n, no DNS of its own), so what was checked is what is pinged. The child is
 * killed on timeout/abort. Latency is ping's average RTT. A missing or unusable ping binary is a probe
 * infrastructure problem → unknown, never DOWN.
 */
export const icmpProbe: Probe<"ICMP", typeof IcmpProbeConfig> = {
  kind: "ICMP",
  configSchema: IcmpProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      const { address, family } = await resolvePinnedWithin(config.host, ctx.ssrf, run, null);
      const deadlineS = Math.max(1, Math.floor(ctx.timeoutMs / 1000));
      const args = [
        family === 6 ? "-6" : "-4",
        "-n",
        "-c",
        String(config.count),
        "-i",
        "0.2",
        "-W",
        String(deadlineS),
        "-w",
        String(deadlineS),
        address,
      ];
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (resolve, reject) => {
          const child = spawn("ping", args, {
            stdio: ["ignore", "pipe", "pipe"],
            // The worker's environment, with the C locale so the summary parses the same everywhere.
            env: { ...process.env, LC_ALL: "C" },
          });
          run.defer(() => child.kill("SIGKILL"));
          let out = "";
          let err = "";
          child.stdout.on("data", (d: Buffer) => {
            out = (out + d.toString()).slice(-8192);
          });
          child.stderr.on("data", (d: Buffer) => {
            err = (err + d.toString()).slice(-2048);
          });
          child.once("error", (e: NodeJS.ErrnoException) =>
            reject(
              e.code === "ENOENT"
                ? new ProbeInfraError("ping is not installed on this worker (Debian package iputils-ping)")
                : e,
            ),
          );
          child.once("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
          run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
        },
      );
      const summary = parsePingOutput(stdout);
      if (!summary) {
        if (INFRA_STDERR.test(stderr))
          throw new ProbeInfraError(`ping cannot run here: ${stderr.trim().slice(0, 200)}`);
        return { ok: false, error: (stderr.trim() || `ping exited with ${code}`).replace(/^ping: /, "").slice(0, 300) };
      }
      const latencyMs = summary.avgMs === null ? undefined : Math.round(summary.avgMs);
      if (summary.received >= config.minReplies) return { ok: true, ...(latencyMs !== undefined ? { latencyMs } : {}) };
      return {
        ok: false,
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        error: `${summary.received}/${summary.transmitted} replies (needed ${config.minReplies})`,
      };
    });
  },
};

import net from "node:net";
import { z } from "zod";
import { checkLiteralHost, runProbe } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import type { Probe } from "../probe.ts";

export const TcpProbeConfig = z.object({
  host: HostSchema,
  port: PortSchema,
});
export type TcpProbeConfig = z.infer<typeof TcpProbeConfig>;

/** TCP connect: ok when the three-way handshake completes; refused / unreachable / timeout → fail. */
export const tcpProbe: Probe<"TCP", typeof TcpProbeConfig> = {
  kind: "TCP",
  configSchema: TcpProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      checkLiteralHost(config.host, ctx.ssrf, config.port);
      await new Promise<void>((resolve, reject) => {
        // The guard's lookup checks every resolved address and the socket connects to the checked one.
        const socket = net.connect({ host: config.host, port: config.port, lookup: ctx.ssrf.lookupFor(config.port) });
        run.defer(() => socket.destroy());
        socket.once("connect", () => {
          socket.destroy();
          resolve();
        });
        socket.on("error", reject);
        run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
      });
      return { ok: true };
    });
  },
};

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import net from "node:net";
import type { ProbeContext } from "../probe.ts";
import { createSsrfGuard, LOOPBACK_CIDRS } from "../ssrf.ts";

/** A probe context for tests: loopback allowlisted, 2 s deadline. */
export function probeCtx(over: Partial<ProbeContext> = {}): ProbeContext {
  return {
    signal: new AbortController().signal,
    timeoutMs: 2000,
    ssrf: createSsrfGuard({ allowCidrs: LOOPBACK_CIDRS }),
    ...over,
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (or rejects after timeoutMs). */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Path of a system binary, or a thrown error naming the Debian package that provides it, so a test on a
 * machine without it fails clearly instead of skipping.
 */
export function requireBinary(name: string, debianPackage: string): string {
  const r = spawnSync("sh", ["-c", `command -v ${name} || ls /usr/sbin/${name} /usr/bin/${name} 2>/dev/null`], {
    encoding: "utf8",
  });
  const path = r.stdout.trim().split("\n")[0];
  if (!path) {
    throw new Error(`${name} is not installed: the test command must install it (apt-get install -y ${debianPackage})`);
  }
  return path;
}

/** A spawned peer process (mosquitto, node-exporter) that is killed on stop(). */
export interface SpawnedPeer {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnPeer(bin: string, args: (port: number) => string[]): Promise<SpawnedPeer> {
  const port = await freePort();
  const child = spawn(bin, args(port), { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    await Promise.race([
      waitForPort(port),
      exited.then(() => {
        throw new Error(`${bin} exited early: ${stderr}`);
      }),
    ]);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    port,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

import childProcess from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";

/**
 * A canary: TCP + UDP listeners on one port across several local addresses (127.0.0.1 first, then any of
 * ::1 and the machine's own interface addresses that can share the port). Every accepted connection and
 * every datagram is counted; an SSRF test passes only if these stay at 0.
 */
export interface Canary {
  readonly port: number;
  /** Addresses actually listening (TCP). */
  readonly hosts: readonly string[];
  /** Accepted TCP connections + received UDP datagrams, with where they arrived. */
  readonly hits: readonly { proto: "tcp" | "udp"; local: string; remote: string }[];
  /** Forget the hits (after a control test that hit the canary on purpose). */
  reset(): void;
  close(): Promise<void>;
}

export async function startCanary(extraHosts: readonly string[] = []): Promise<Canary> {
  const hits: { proto: "tcp" | "udp"; local: string; remote: string }[] = [];
  const servers: net.Server[] = [];
  const sockets: dgram.Socket[] = [];
  const hosts: string[] = [];
  const open = new Set<net.Socket>();

  const listenTcp = (host: string, port: number) =>
    new Promise<net.Server | null>((resolve) => {
      const server = net.createServer((s) => {
        hits.push({ proto: "tcp", local: `${s.localAddress}:${s.localPort}`, remote: `${s.remoteAddress}` });
        open.add(s);
        s.on("close", () => open.delete(s));
        s.on("error", () => {});
        s.destroy();
      });
      server.once("error", () => resolve(null));
      server.listen({ host, port, ...(host.includes(":") ? { ipv6Only: true } : {}) }, () => resolve(server));
    });
  const listenUdp = (host: string, port: number) =>
    new Promise<dgram.Socket | null>((resolve) => {
      const socket = host.includes(":")
        ? dgram.createSocket({ type: "udp6", ipv6Only: true })
        : dgram.createSocket({ type: "udp4" });
      socket.on("message", (_msg, rinfo) =>
        hits.push({ proto: "udp", local: `${host}:${port}`, remote: rinfo.address }),
      );
      socket.once("error", () => resolve(null));
      socket.bind(port, host, () => resolve(socket));
    });

  // Find a port free on 127.0.0.1 for both TCP and UDP.
  let port = 0;
  for (let attempt = 0; attempt < 20 && port === 0; attempt++) {
    const tcp = await listenTcp("127.0.0.1", 0);
    if (!tcp) continue;
    const candidate = (tcp.address() as net.AddressInfo).port;
    const udp = await listenUdp("127.0.0.1", candidate);
    if (!udp) {
      await new Promise((r) => tcp.close(r));
      continue;
    }
    servers.push(tcp);
    sockets.push(udp);
    hosts.push("127.0.0.1");
    port = candidate;
  }
  if (port === 0) throw new Error("canary: no free port on 127.0.0.1");

  for (const host of ["::1", ...extraHosts]) {
    const tcp = await listenTcp(host, port);
    if (!tcp) continue;
    servers.push(tcp);
    hosts.push(host);
    const udp = await listenUdp(host, port);
    if (udp) sockets.push(udp);
  }

  return {
    port,
    hosts,
    hits,
    reset() {
      hits.length = 0;
    },
    async close() {
      for (const s of open) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

export interface Attempt {
  kind: "tcp" | "spawn";
  /** IP actually dialled (tcp) or the command line (spawn). */
  target: string;
  port?: number;
  /** The host the socket was asked to connect to (before its lookup). */
  requestedHost?: string;
  hasLookup?: boolean;
}

/**
 * Records every outbound TCP connection attempt (the IP and port the socket really dials, after any
 * lookup: `net.Socket#connect` + its `connectionAttempt` event; covers net, tls, undici, pg, ioredis, mqtt)
 * and every child process spawned (ping) while `recording` is on.
 */
export function recordConnectAttempts(): { attempts: Attempt[]; recording: boolean; restore(): void } {
  const state = { attempts: [] as Attempt[], recording: false, restore: () => {} };
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const originalConnect = proto.connect;
  proto.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
    if (state.recording) {
      const first = args[0];
      const opts = (Array.isArray(first) ? first[0] : first) as { host?: string; port?: number; lookup?: unknown };
      const requestedHost = typeof opts === "object" && opts !== null ? opts.host : (args[1] as string | undefined);
      const hasLookup = typeof opts === "object" && opts !== null && typeof opts.lookup === "function";
      this.on("connectionAttempt", (ip: string, port: number) => {
        if (state.recording) state.attempts.push({ kind: "tcp", target: ip, port, requestedHost, hasLookup });
      });
    }
    return originalConnect.apply(this, args);
  };
  const cpProto = (childProcess.ChildProcess as unknown as { prototype: { spawn: (o: unknown) => unknown } }).prototype;
  const originalSpawn = cpProto.spawn;
  cpProto.spawn = function patchedSpawn(this: unknown, options: unknown) {
    if (state.recording) {
      const o = options as { file?: string; args?: string[] };
      state.attempts.push({ kind: "spawn", target: [o.file, ...(o.args ?? []).slice(1)].join(" ") });
    }
    return originalSpawn.call(this, options);
  };
  state.restore = () => {
    proto.connect = originalConnect;
    cpProto.spawn = originalSpawn;
  };
  return state;
}

import http from "node:http";
import { z } from "zod";

/**
 * The demo estate: a tiny HTTP service the seeded monitors (and the tests) probe.
 *   GET /healthy           200 at once
 *   GET /slow              200 after 1.2–1.8 s
 *   GET /flapping          alternates 90 s up / 60 s down by the clock (503 while down); the cycle is
 *                          anchored so the first down phase starts FLAP_FIRST_DOWN_MS after start, so a
 *                          fresh demo shows real state changes within a minute
 *   GET /down              503
 *   GET /targets/:name     the status set for `name` (default 200), after its latency if any
 *   POST /control/:name    {"status": 200|503, "latencyMs"?: n} sets a target; GET reads it; DELETE resets
 *   GET /                  a JSON index of the above
 */
export const FLAP_UP_MS = 90_000;
export const FLAP_DOWN_MS = 60_000;
export const FLAP_FIRST_DOWN_MS = 15_000;

export const TargetControl = z.object({
  status: z.number().int().min(200).max(599),
  latencyMs: z.number().int().min(0).max(60_000).optional(),
});
export type TargetControl = z.infer<typeof TargetControl>;

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;
const MAX_CONTROL_BODY = 4096;

export interface DemoEstateOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** When the flapping cycle is anchored (default: creation time). */
  startedAt?: number;
  log?: (level: "info" | "debug" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

export interface DemoEstate {
  server: http.Server;
  /** Whether /flapping is up at time t. */
  flappingUp(t?: number): boolean;
  targets: Map<string, TargetControl>;
}

export function createDemoEstate(opts: DemoEstateOptions = {}): DemoEstate {
  const now = opts.now ?? Date.now;
  const startedAt = opts.startedAt ?? now();
  const log = opts.log ?? (() => {});
  const targets = new Map<string, TargetControl>();
  const cycle = FLAP_UP_MS + FLAP_DOWN_MS;
  // Position in the cycle at start: FLAP_FIRST_DOWN_MS before the end of the up phase.
  const phase0 = FLAP_UP_MS - FLAP_FIRST_DOWN_MS;
  const flappingUp = (t = now()) => (((t - startedAt + phase0) % cycle) + cycle) % cycle < FLAP_UP_MS;

  let lastFlap: boolean | null = null;
  const sockets = new Set<import("node:net").Socket>();

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(res.req.method === "HEAD" ? undefined : text);
  };
  const later = (ms: number, fn: () => void, res: http.ServerResponse) => {
    const t = setTimeout(fn, ms);
    res.on("close", () => clearTimeout(t));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://demo");
    const path = url.pathname;
    const method = req.method ?? "GET";
    log("debug", "request", { method, path });

    if ((method === "GET" || method === "HEAD") && path === "/") {
      return send(res, 200, {
        service: "steward-demo-estate",
        endpoints: ["/healthy", "/slow", "/flapping", "/down", "/targets/:name", "POST /control/:name"],
        flapping: flappingUp() ? "up" : "down",
        targets: Object.fromEntries(targets),
      });
    }
    if (method === "GET" || method === "HEAD") {
      switch (path) {
        case "/healthy":
          return send(res, 200, "ok");
        case "/slow":
          return later(1200 + Math.floor(Math.random() * 600), () => send(res, 200, "slow but ok"), res);
        case "/flapping": {
          const up = flappingUp();
          if (up !== lastFlap) {
            log("info", `flapping is now ${up ? "up" : "down"}`);
            lastFlap = up;
          }
          return up ? send(res, 200, "up (for now)") : send(res, 503, "down (for now)");
        }
        case "/down":
          return send(res, 503, "down");
      }
    }

    const target = /^\/targets\/([^/]+)$/.exec(path);
    if (target && (method === "GET" || method === "HEAD")) {
      const name = decodeURIComponent(target[1]!);
      const ctl = targets.get(name) ?? { status: 200 };
      const answer = () => send(res, ctl.status, ctl.status < 400 ? `target ${name} ok` : `target ${name} failing`);
      return ctl.latencyMs ? later(ctl.latencyMs, answer, res) : answer();
    }

    const control = /^\/control\/([^/]+)$/.exec(path);
    if (control) {
      const name = decodeURIComponent(control[1]!);
      if (!NAME_RE.test(name)) return send(res, 400, { error: "invalid target name" });
      if (method === "GET") return send(res, 200, { name, ...(targets.get(name) ?? { status: 200 }) });
      if (method === "DELETE") {
        targets.delete(name);
        log("info", `target ${name} reset`);
        return send(res, 200, { name, status: 200 });
      }
      if (method === "POST" || method === "PUT") {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_CONTROL_BODY) {
            send(res, 413, { error: "body too large" });
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        req.on("end", () => {
          if (res.headersSent) return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
          } catch {
            return send(res, 400, { error: "invalid JSON" });
          }
          const r = TargetControl.safeParse(parsed);
          if (!r.success) return send(res, 400, { error: "invalid control", issues: r.error.issues });
          targets.set(name, r.data);
          log("info", `target ${name} set`, { ...r.data });
          send(res, 200, { name, ...r.data });
        });
        return;
      }
      return send(res, 405, { error: "method not allowed" });
    }

    send(res, 404, { error: "not found" });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Stop promptly: drop keep-alive and in-flight (slow) connections on close.
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    close(cb);
    for (const s of sockets) s.destroy();
    return server;
  }) as typeof server.close;

  return { server, flappingUp, targets };
}

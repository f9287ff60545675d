import http from "node:http";

export interface HealthChecks {
  /** Redis and Postgres reachable, workers running. */
  ready(): Promise<{ ok: boolean; checks: Record<string, boolean> }>;
}

/** /live: the process answers. /ready: dependencies reachable (503 otherwise). */
export function createHealthServer(checks: HealthChecks): http.Server {
  return http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://worker").pathname;
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(text);
    };
    if (path === "/live") return send(200, { status: "ok" });
    if (path === "/ready") {
      try {
        const r = await checks.ready();
        return send(r.ok ? 200 : 503, { status: r.ok ? "ready" : "not-ready", checks: r.checks });
      } catch {
        return send(503, { status: "not-ready" });
      }
    }
    send(404, { error: "not found" });
  });
}

import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from "@steward/services";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ApiContext } from "./context.ts";

const ctx: ApiContext = {
  user: null,
  requestId: "r",
  ip: null,
  userAgent: null,
  access: () => Promise.reject(new Error("no")),
};

async function load() {
  vi.resetModules();
  return import("./trpc.ts");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("ServiceError → tRPC code (errors.ts, via the mapping middleware)", () => {
  it.each([
    [new NotFoundError("n"), "NOT_FOUND"],
    [new ForbiddenError("f"), "FORBIDDEN"],
    [new ConflictError("c"), "CONFLICT"],
    [new ValidationError("v"), "BAD_REQUEST"],
    [new RateLimitedError("r"), "TOO_MANY_REQUESTS"],
    [new UnauthenticatedError("u"), "UNAUTHORIZED"],
    [new UnavailableError("x"), "SERVICE_UNAVAILABLE"],
    [z.object({ a: z.string() }).safeParse({}).error!, "BAD_REQUEST"],
    [new Error("boom"), "INTERNAL_SERVER_ERROR"],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }), "SERVICE_UNAVAILABLE"],
  ])("%s → %s", async (err, code) => {
    const { router, publicProcedure, createCallerFactory } = await load();
    const r = router({ p: publicProcedure.query(() => Promise.reject(err)) });
    const caller = createCallerFactory(r)(ctx);
    await expect(caller.p()).rejects.toMatchObject({ code, name: "TRPCError" });
  });

  it("authed and tenant procedures answer UNAUTHORIZED without a session", async () => {
    const { router, authedProcedure, tenantProcedure, createCallerFactory } = await load();
    const r = router({ a: authedProcedure.query(() => 1), t: tenantProcedure.query(() => 1) });
    const caller = createCallerFactory(r)(ctx);
    await expect(caller.a()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(caller.t({ tenantId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

async function httpCall(trpc: Awaited<ReturnType<typeof load>>, err: unknown) {
  const r = trpc.router({ p: trpc.publicProcedure.query(() => Promise.reject(err)) });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request("http://localhost/api/trpc/p"),
    router: r,
    createContext: () => ctx,
  });
  return { status: res.status, body: await res.text() };
}

describe("Retry-After", () => {
  it("a rate-limited call answers 429 with Retry-After (the adapter's responseMeta)", async () => {
    const { router, publicProcedure } = await load();
    const { retryAfterSeconds } = await import("./errors.ts");
    const r = router({
      p: publicProcedure.query(() => Promise.reject(new RateLimitedError("slow down", { retryAfterSeconds: 41.2 }))),
      q: publicProcedure.query(() => Promise.reject(new ConflictError("c"))),
    });
    const call = (path: string) =>
      fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request(`http://localhost/api/trpc/${path}`),
        router: r,
        createContext: () => ctx,
        responseMeta: ({ errors }) => {
          const s = retryAfterSeconds(errors);
          return s === undefined ? {} : { headers: new Headers({ "retry-after": String(s) }) };
        },
      });
    const limited = await call("p");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("42");
    const other = await call("q");
    expect(other.status).toBe(409);
    expect(other.headers.get("retry-after")).toBeNull();
  });
});

describe("errorFormatter", () => {
  it("never leaks an internal message or stack in production", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const trpc = await load();
    const { status, body } = await httpCall(trpc, new Error("secret: relation users at /srv/app.ts:1"));
    expect(status).toBe(500);
    expect(body).toContain("Internal server error");
    expect(body).not.toContain("secret");
    expect(body).not.toContain("stack");
    expect(body).not.toContain(".ts:");
  });

  it("answers 503 without details when the database is down (production)", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const trpc = await load();
    const down = Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:5432"), { code: "ECONNREFUSED" });
    const { status, body } = await httpCall(trpc, down);
    expect(status).toBe(503);
    expect(body).not.toContain("10.1.2.3");
  });

  it("a service's own 503 keeps its message in production (no probe worker answered a test now)", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const trpc = await load();
    const msg = "No probe worker in region eu answered within 15 s";
    const { status, body } = await httpCall(trpc, new UnavailableError(msg, { region: "eu" }));
    expect(status).toBe(503);
    expect(JSON.parse(body).error.json).toMatchObject({ message: msg, data: { details: { region: "eu" } } });
  });

  it("returns flattened zod issues for bad input, and service details for service errors", async () => {
    const trpc = await load();
    const zerr = z.object({ name: z.string().min(3) }).safeParse({ name: "x" }).error!;
    const { status, body } = await httpCall(trpc, zerr);
    expect(status).toBe(400);
    expect(JSON.parse(body).error.json.data.zodError.fieldErrors.name).toHaveLength(1);
    const conflict = await httpCall(trpc, new ConflictError("last admin", { reason: "last_admin" }));
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.body).error.json).toMatchObject({
      message: "last admin",
      data: { code: "CONFLICT", details: { reason: "last_admin" } },
    });
  });
});

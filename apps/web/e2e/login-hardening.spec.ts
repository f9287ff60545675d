import http from "node:http";
import { expect, loginAs, PASSWORD, test, USERS } from "./fixtures.ts";

/**
 * Issue 8, items 4–6 against the running app (next start), over real HTTP. Requests leave from chosen
 * loopback addresses (127.0.0.x: all of 127/8 is this machine), so the server sees different TCP peers the
 * way it would see different clients — and 127.0.0.1, which the other specs sign in from, keeps its budgets.
 */

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string };

function send(
  baseURL: string,
  from: string,
  method: "GET" | "POST",
  path: string,
  o: { headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const url = new URL(path, baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        headers: { ...o.headers, ...(o.body ? { "content-length": String(Buffer.byteLength(o.body)) } : {}) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    if (o.body) req.write(o.body);
    req.end();
  });
}

/** One credentials sign-in as next-auth's client sends it (csrf cookie + token, json=true). */
async function signIn(baseURL: string, from: string, email: string, password: string, xff?: string): Promise<Reply> {
  const extra: Record<string, string> = xff ? { "x-forwarded-for": xff } : {};
  const csrf = await send(baseURL, from, "GET", "/api/auth/csrf", { headers: extra });
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const body = new URLSearchParams({ email, password, csrfToken, callbackUrl: "/", json: "true" }).toString();
  return send(baseURL, from, "POST", "/api/auth/callback/credentials", {
    headers: { ...extra, cookie, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const PAIR_LIMIT = 5; // LOGIN_RATE_LIMIT in playwright.config.ts
const ACCOUNT_LIMIT = 10; // LOGIN_ACCOUNT_RATE_LIMIT default
const ADDRESS_LIMIT = 20; // LOGIN_ADDRESS_RATE_LIMIT default

test.describe("login limits hold whatever X-Forwarded-For says", () => {
  test("20 guesses with 20 different X-Forwarded-For values from one client: refused with 429 after the limit", async ({
    baseURL,
  }) => {
    const email = `guess-${unique()}@steward.test`;
    const statuses: number[] = [];
    let limited: Reply | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await signIn(baseURL!, "127.0.0.21", email, `wrong-${i}`, `203.0.113.${i + 1}`);
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    expect(statuses.slice(0, PAIR_LIMIT)).toEqual(Array(PAIR_LIMIT).fill(401));
    expect(statuses.slice(PAIR_LIMIT)).toEqual(Array(20 - PAIR_LIMIT).fill(429));
    expect(Number(limited!.headers["retry-after"])).toBeGreaterThan(0);
    const body = JSON.parse(limited!.body) as { url: string; error: string };
    expect(body.error).toBe("RATE_LIMITED");
    expect(new URL(body.url).searchParams.get("error")).toMatch(/^RATE_LIMITED:\d+$/);
  });

  test("an attacker sending the victim's address does not lock the victim out", async ({ baseURL }) => {
    const victim = USERS.initechAdmin;
    const victimAddress = "127.0.0.22";
    // Both spellings the server may see for the victim (`next start` listens dual-stack: ::ffff:127.0.0.22).
    for (const spelling of [victimAddress, `::ffff:${victimAddress}`])
      for (let i = 0; i < PAIR_LIMIT + 1; i++) await signIn(baseURL!, "127.0.0.23", victim, `wrong-${i}`, spelling);
    const own = await signIn(baseURL!, victimAddress, victim, PASSWORD);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ url: expect.any(String) });
    expect((own.headers["set-cookie"] ?? []).some((c) => /steward\.session=/.test(c))).toBe(true);
  });

  test("per account across addresses: one address each, refused after the account's budget", async ({ baseURL }) => {
    const email = `spread-${unique()}@steward.test`;
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNT_LIMIT + 2; i++)
      statuses.push((await signIn(baseURL!, `127.0.1.${i + 1}`, email, `wrong-${i}`)).status);
    expect(statuses.slice(0, ACCOUNT_LIMIT)).toEqual(Array(ACCOUNT_LIMIT).fill(401));
    expect(statuses.slice(ACCOUNT_LIMIT)).toEqual([429, 429]);
  });

  test("per address across accounts (spraying): refused after the address's budget", async ({ baseURL }) => {
    const run = unique();
    const statuses: number[] = [];
    for (let i = 0; i < ADDRESS_LIMIT + 2; i++)
      statuses.push((await signIn(baseURL!, "127.0.0.24", `spray-${i}-${run}@steward.test`, "Winter2026!")).status);
    expect(statuses.slice(0, ADDRESS_LIMIT)).toEqual(Array(ADDRESS_LIMIT).fill(401));
    expect(statuses.slice(ADDRESS_LIMIT)).toEqual([429, 429]);
  });

  test("the heartbeat per-address limit cannot be dodged with X-Forwarded-For", async ({ baseURL }) => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 305; i++) {
      // A different (unknown) token each time: only the per-address budget (300/min) can stop them.
      const token = `${"y".repeat(28)}${String(i).padStart(4, "0")}`;
      const r = await send(baseURL!, "127.0.0.25", "POST", `/api/v1/heartbeat/${token}`, {
        headers: { "x-forwarded-for": `198.51.100.${i % 250}` },
      });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    expect(statuses.get(404)).toBe(300);
    expect(statuses.get(429)).toBe(5);
  });
});

test.describe("after sign-in the app stays on its own origin", () => {
  const BYPASS = "%2F%09%2Fevil.example%2Ftab";

  test("signed out: logging in from a hostile callbackUrl lands on the app", async ({ page, baseURL }) => {
    await page.goto(`/login?callbackUrl=${BYPASS}`);
    await page.getByLabel("E-mail").fill(USERS.globexAdmin);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await expect(page.getByRole("button", { name: "Account menu" })).toBeVisible();
  });

  test("signed in: /login with a hostile callbackUrl redirects home, CR/LF are not a 500", async ({
    page,
    baseURL,
  }) => {
    await loginAs(page, USERS.globexAdmin);
    for (const spelling of [
      BYPASS,
      "%2F%0A%2Fevil.example",
      "%2F%0D%2Fevil.example",
      "%2F%5Cevil.example",
      "%2F.%2F%2Fevil.example",
    ]) {
      const res = await page.request.get(`/login?callbackUrl=${spelling}`, { maxRedirects: 0 });
      expect(res.status(), spelling).toBe(307);
      const location = res.headers().location!;
      // Resolve as a browser would (tabs and newlines dropped, `\` read as `/`).
      const resolved = new URL(location.replace(/[\t\n\r]/g, "").replace(/\\/g, "/"), baseURL);
      expect(resolved.origin, `${spelling} → ${location}`).toBe(new URL(baseURL!).origin);
    }
    const ok = await page.request.get("/login?callbackUrl=%2Ft%2Fglobex", { maxRedirects: 0 });
    expect(ok.headers().location).toMatch(/\/t\/globex$/);
  });
});

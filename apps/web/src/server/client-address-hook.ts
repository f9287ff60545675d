import http from "node:http";
import https from "node:https";
import { clientAddressFrom, isTrustedProxy, type TrustedProxy } from "@steward/domain";

/**
 * The web app's client address, from the socket (ADR 0014). Next.js gives route handlers no socket: under
 * `next start` it only fills `X-Forwarded-For` with the peer address when the client sent none
 * (`??=`, next/dist/server/base-server.js), so a client-sent value reaches every handler untouched.
 *
 * This hook runs in the Next.js server process (installed by src/instrumentation.ts before the first
 * request is handled) and sees each request as Node's HTTP server emits it: it derives the client address
 * from `socket.remoteAddress` and TRUSTED_PROXIES, then OVERWRITES
 *  - `x-steward-client-address` with it (request-info.ts reads only this; a client-sent one is replaced), and
 *  - `x-forwarded-for` with the trusted chain (a forged value from an untrusted peer is dropped),
 * and drops the other forwarding headers (`x-forwarded-host`, `x-forwarded-proto`, `x-forwarded-port`,
 * `forwarded`, `x-real-ip`) unless the peer is a trusted proxy (Next.js then fills the x-forwarded-* ones
 * from the request itself), so nothing downstream (limits, audit rows, sessions, logs) can be handed a forged address.
 */
export const CLIENT_ADDRESS_HEADER = "x-steward-client-address";
const INSTALLED = Symbol.for("steward.clientAddressHook");
/** Forwarding headers believed only from TRUSTED_PROXIES (besides X-Forwarded-For, handled above). */
const PROXY_ONLY_HEADERS = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded", "x-real-ip"];

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

export function isClientAddressHookInstalled(): boolean {
  return (globalThis as Record<symbol, unknown>)[INSTALLED] === true;
}

/** Rewrites one request's headers in place (exported for tests). */
export function stampClientAddress(req: http.IncomingMessage, trustedProxies: readonly TrustedProxy[]): void {
  const client = clientAddressFrom({
    peer: req.socket?.remoteAddress,
    forwardedFor: req.headers["x-forwarded-for"],
    trustedProxies,
  });
  const address = client ?? "unknown";
  req.headers[CLIENT_ADDRESS_HEADER] = address;
  const fromProxy = isTrustedProxy(req.socket?.remoteAddress, trustedProxies);
  if (!fromProxy) for (const name of PROXY_ONLY_HEADERS) delete req.headers[name];
  // Keep the raw header array in step (some readers use rawHeaders).
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (name === CLIENT_ADDRESS_HEADER || name === "x-forwarded-for") continue;
    if (!fromProxy && PROXY_ONLY_HEADERS.includes(name)) continue;
    raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  raw.push(CLIENT_ADDRESS_HEADER, address);
  if (req.headers["x-forwarded-for"] !== undefined && fromProxy) {
    // From a trusted proxy: keep the chain as received (its right-most untrusted entry is the client).
    const xff = req.headers["x-forwarded-for"];
    const value = Array.isArray(xff) ? xff.join(", ") : xff;
    req.headers["x-forwarded-for"] = value;
    raw.push("x-forwarded-for", value);
  } else {
    req.headers["x-forwarded-for"] = address;
    raw.push("x-forwarded-for", address);
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
}

/** Patches `emit` of Node's HTTP(S) servers in this process, once. */
export function installClientAddressHook(trustedProxies: readonly TrustedProxy[]): void {
  if (isClientAddressHookInstalled()) return;
  for (const Server of [http.Server, https.Server] as unknown as { prototype: { emit: Emit } }[]) {
    const original = Server.prototype.emit;
    Server.prototype.emit = function emit(this: http.Server, event, ...args) {
      if (event === "request" || event === "checkContinue" || event === "checkExpectation" || event === "upgrade")
        stampClientAddress(args[0] as http.IncomingMessage, trustedProxies);
      return original.call(this, event, ...args);
    } as Emit;
  }
  (globalThis as Record<symbol, unknown>)[INSTALLED] = true;
}

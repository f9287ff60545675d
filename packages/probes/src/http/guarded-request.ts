import type { IncomingHttpHeaders } from "node:http";
import type { TLSSocket } from "node:tls";
import { buildConnector, Client } from "undici";
import { type PinnedAddress, pinnedLookup, resolvePinned, SsrfBlockedError, type SsrfGuard } from "../ssrf.ts";

/**
 * One HTTP(S) exchange through the SSRF guard, following redirects by hand:
 *  - every hop's host is resolved once by the guard and the socket connects to exactly that address
 *    (`pinnedLookup`); the URL's host name stays the TLS servername and the Host header;
 *  - every redirect target is re-checked (scheme, host, resolved address) before anything connects;
 *  - https → http downgrades and non-HTTP schemes are refused; credentials headers are dropped when a
 *    redirect leaves the origin; 303 (and 301/302 after a POST) switch to GET without a body.
 * One connection per hop, closed after the response (a probe measures a full connect every time).
 */
export interface GuardedRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Redirects to follow; 0 returns the first 3xx as the response. */
  maxRedirects: number;
  /** Body bytes to read (then the connection is dropped). */
  maxBodyBytes: number;
  /** Keep the bytes read (for assertions); otherwise they are discarded. */
  collectBody?: boolean;
  guard: SsrfGuard;
  signal: AbortSignal;
  timeoutMs: number;
  maxHeaderBytes?: number;
  /** Extra TLS options for HTTPS hops (e.g. a private CA); servername is always the URL's host name. */
  tls?: { ca?: string | string[] };
}

export interface GuardedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bodyBytes: number;
  /** The URL that produced this response (after redirects). */
  finalUrl: string;
  /** Every URL requested, in order (the first is the configured one). */
  hops: string[];
  /** The address connected to for the final hop. */
  remote: PinnedAddress;
  /** The leaf certificate of every HTTPS hop (read on the pinned, verified TLS socket), in hop order. */
  certificates: { url: string; validTo: Date }[];
}

export class RedirectError extends Error {
  readonly code = "EREDIRECT";
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];

export async function guardedRequest(req: GuardedRequest): Promise<GuardedResponse> {
  let url = new URL(req.url);
  let method = req.method;
  let body = req.body;
  let headers = { ...(req.headers ?? {}) };
  const hops: string[] = [];
  const certificates: GuardedResponse["certificates"] = [];
  for (let hop = 0; ; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new SsrfBlockedError(url.href.slice(0, 200), `scheme ${url.protocol} is not allowed`);
    }
    hops.push(url.href);
    const remote = await resolvePinned(url.hostname, req.guard, { signal: req.signal });
    const res = await exchange(url, remote, method, headers, body, req, hop < req.maxRedirects);
    if (res.certValidTo) certificates.push({ url: url.href, validTo: res.certValidTo });
    const location = res.headers.location;
    if (!REDIRECT.has(res.statusCode) || req.maxRedirects === 0 || typeof location !== "string") {
      const { certValidTo: _, ...rest } = res;
      return { ...rest, finalUrl: url.href, hops, remote, certificates };
    }
    if (hop >= req.maxRedirects) throw new RedirectError(`too many redirects (more than ${req.maxRedirects})`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new RedirectError(`invalid redirect location ${JSON.stringify(location.slice(0, 200))}`);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new SsrfBlockedError(next.href.slice(0, 200), `redirect to scheme ${next.protocol} is not allowed`);
    }
    if (url.protocol === "https:" && next.protocol === "http:") {
      throw new RedirectError(`redirect from https to http refused (${next.href.slice(0, 200)})`);
    }
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === "POST")) {
      if (method !== "HEAD") method = "GET";
      body = undefined;
      headers = Object.fromEntries(
        Object.entries(headers).filter(([k]) => !["content-type", "content-length"].includes(k.toLowerCase())),
      );
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(
        Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase())),
      );
    }
    url = next;
  }
}

async function exchange(
  url: URL,
  remote: PinnedAddress,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  req: GuardedRequest,
  mayFollow: boolean,
): Promise<Omit<GuardedResponse, "finalUrl" | "hops" | "remote" | "certificates"> & { certValidTo?: Date }> {
  // The only address this socket may reach: the one the guard just checked (no second resolution).
  const connector = buildConnector({
    ...req.tls,
    lookup: pinnedLookup(remote),
    timeout: req.timeoutMs,
    keepAlive: false,
  });
  let certValidTo: Date | undefined;
  const client = new Client(url.origin, {
    // The TLS socket is handed over after a verified handshake: read the leaf's notAfter there.
    connect: (opts, cb) =>
      connector(opts, (...args) => {
        const socket = args[1] as TLSSocket | null;
        if (socket && typeof socket.getPeerCertificate === "function") {
          const validTo = socket.getPeerCertificate()?.valid_to;
          if (validTo) certValidTo = new Date(validTo);
        }
        cb(...args);
      }),
    connectTimeout: req.timeoutMs,
    headersTimeout: req.timeoutMs,
    bodyTimeout: req.timeoutMs,
    maxHeaderSize: req.maxHeaderBytes ?? 16 * 1024,
    pipelining: 1,
    allowH2: false,
  });
  try {
    const res = await client.request({
      method,
      path: `${url.pathname}${url.search}`,
      headers: { accept: "*/*", ...headers, connection: "close" },
      body,
      signal: req.signal,
    });
    const chunks: Buffer[] = [];
    let read = 0;
    // A redirect that will be followed: its body is never read (the connection is dropped).
    const skip = mayFollow && REDIRECT.has(res.statusCode) && typeof res.headers.location === "string";
    try {
      if (!skip)
        for await (const chunk of res.body) {
          const buf = chunk as Buffer;
          if (req.collectBody)
            chunks.push(read + buf.length > req.maxBodyBytes ? buf.subarray(0, req.maxBodyBytes - read) : buf);
          read += buf.length;
          if (read >= req.maxBodyBytes) break;
        }
    } finally {
      // Destroying an unread undici body emits an AbortError: expected here, never an unhandled error.
      res.body.on("error", () => {});
      if (!res.body.destroyed) res.body.destroy();
    }
    return {
      statusCode: res.statusCode,
      headers: res.headers as IncomingHttpHeaders,
      body: req.collectBody ? Buffer.concat(chunks) : Buffer.alloc(0),
      bodyBytes: Math.min(read, req.maxBodyBytes),
      ...(certValidTo ? { certValidTo } : {}),
    };
  } finally {
    client.destroy().catch(() => {});
  }
}

import type { IncomingHttpHeaders } from "node:http";
import net, { isIP } from "node:net";
import tls from "node:tls";
import { Deadline } from "../common/deadline.ts";
import { SENSITIVE_HEADER } from "../common/secrets.ts";
import { leafOnlyPeerCertificate, secureContextFor } from "../common/tls-context.ts";
import { type PinnedAddress, pinnedLookup, resolvePinned, SsrfBlockedError, type SsrfGuard } from "../ssrf.ts";
import { encodeRequest, ResponseReader } from "./http1.ts";

/**
 * One HTTP(S) exchange through the SSRF guard, following redirects by hand:
 *  - every hop's host is resolved once by the guard and the socket is opened to exactly that address, as
 *    an IP literal (nothing resolves it again); the URL's host name stays the TLS servername (SNI and the
 *    certificate's identity check) and the Host header;
 *  - every redirect target is re-checked (scheme, host, resolved address) before anything connects;
 *  - https → http downgrades and non-HTTP schemes are refused; credentials headers are dropped when a
 *    redirect leaves the origin; 303 (and 301/302 after a POST) switch to GET without a body.
 * One connection per hop, closed after the response (a probe measures a full connect every time): a socket
 * opened here to the pinned IP literal (no agent, no pool, no TLS session reuse; TLS contexts are shared,
 * see common/tls-context.ts), one request written and one response read by http1.ts. The body is never
 * decompressed; at most `maxBodyBytes` of it are read.
 */
export interface GuardedRequest {
  /** The URL to request (a URL object is never modified, so a parsed one may be shared). */
  url: string | URL;
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
  /** Aborts the request (rejects with its reason), e.g. the worker's shutdown signal. */
  signal: AbortSignal;
  /** Deadline for the whole request, every hop included; then it rejects with ProbeTimeoutError. */
  timeoutMs: number;
  maxHeaderBytes?: number;
  /**
   * HTTPS hops: extra trusted CA certificates (PEM), added to the system roots (verification is never
   * turned off). SNI and the identity check always use the URL's host name.
   */
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
/**
 * Headers that never follow a redirect to another origin: the credential headers, and every header the
 * monitor form treats as a secret (SENSITIVE_HEADER: tokens, API keys, sessions, signatures …).
 */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];
const isCredentialHeader = (name: string) =>
  CREDENTIAL_HEADERS.includes(name.toLowerCase()) || SENSITIVE_HEADER.test(name);

/**
 * The guard's resolution under the deadline. An IP literal (any spelling) is checked without DNS, so it
 * needs no AbortSignal; a name gets one (the resolver cancels its query on abort).
 */
function resolveWithin(hostname: string, port: number, guard: SsrfGuard, deadline: Deadline): Promise<PinnedAddress> {
  if (deadline.aborted) return Promise.reject(deadline.reason);
  const literal = hostname.startsWith("[") || isIP(hostname) !== 0;
  return literal
    ? resolvePinned(hostname, guard, { port })
    : deadline.race(resolvePinned(hostname, guard, { signal: deadline.signal, port }));
}

/** The port a URL connects to. */
const urlPort = (url: URL): number => (url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80);

export function guardedRequest(req: GuardedRequest): Promise<GuardedResponse> {
  // One deadline for every hop: DNS, connect, TLS, head and body (rejects with ProbeTimeoutError).
  const deadline = new Deadline(req.signal, req.timeoutMs);
  const done = follow(req, deadline);
  done.then(
    () => deadline.dispose(),
    () => deadline.dispose(),
  );
  return done;
}

async function follow(req: GuardedRequest, deadline: Deadline): Promise<GuardedResponse> {
  let url = typeof req.url === "string" ? new URL(req.url) : req.url;
  let method = req.method;
  let body = req.body;
  let headers = req.headers ?? {};
  const hops: string[] = [];
  const certificates: GuardedResponse["certificates"] = [];
  for (let hop = 0; ; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new SsrfBlockedError(url.href.slice(0, 200), `scheme ${url.protocol} is not allowed`);
    }
    hops.push(url.href);
    // Every hop is judged on its own (address, port): a redirect to a platform port is refused here.
    const remote = await resolveWithin(url.hostname, urlPort(url), req.guard, deadline);
    const res = await exchange(url, remote, method, headers, body, req, deadline, hop < req.maxRedirects);
    if (res.certValidTo) certificates.push({ url: url.href, validTo: res.certValidTo });
    const location = res.headers.location;
    if (!REDIRECT.has(res.statusCode) || req.maxRedirects === 0 || typeof location !== "string") {
      return {
        statusCode: res.statusCode,
        headers: res.headers,
        body: res.body,
        bodyBytes: res.bodyBytes,
        finalUrl: url.href,
        hops,
        remote,
        certificates,
      };
    }
    if (hop >= req.maxRedirects) throw new RedirectError(`too many redirects (more than ${req.maxRedirects})`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new RedirectError("invalid redirect location");
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
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !isCredentialHeader(k)));
    }
    url = next;
  }
}

type Exchanged = Omit<GuardedResponse, "finalUrl" | "hops" | "remote" | "certificates"> & { certValidTo?: Date };

/** One request on a fresh socket to exactly `remote`; the response read by http1.ts. */
function exchange(
  url: URL,
  remote: PinnedAddress,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  req: GuardedRequest,
  deadline: Deadline,
  mayFollow: boolean,
): Promise<Exchanged> {
  if (deadline.aborted) return Promise.reject(deadline.reason);
  const request = encodeRequest({
    method,
    target: `${url.pathname}${url.search}`,
    host: url.host,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const reader = new ResponseReader({
    headRequest: method === "HEAD",
    maxHeaderBytes: req.maxHeaderBytes ?? 16 * 1024,
    maxBodyBytes: req.maxBodyBytes,
    collectBody: req.collectBody ?? false,
    // A redirect that will be followed: its body is never read (the connection is dropped).
    ...(mayFollow ? { skipBody: followedRedirect } : {}),
  });
  return new Promise<Exchanged>((resolve, reject) => {
    const x = new Exchange(reader, resolve, reject);
    // The only address this socket may reach: the one the guard just checked. It is an IP literal, so
    // nothing is resolved; `lookup` would answer with the same address should anything ever ask.
    const port = urlPort(url);
    if (url.protocol === "https:") {
      const name = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
      const socket = tls.connect({
        host: remote.address,
        port,
        lookup: pinnedLookup(remote),
        // SNI and the certificate's identity check use the URL's host name (never SNI for an IP literal,
        // RFC 6066: the identity check then matches the IP against the certificate's IP SANs).
        ...(isIP(name) ? {} : { servername: name }),
        // Verification stays on (rejectUnauthorized defaults to true); contexts are shared, sessions not.
        secureContext: secureContextFor(req.tls?.ca),
        // Node hands the identity check the leaf it has just parsed, once the chain has verified: the
        // standard check decides, and the leaf's notAfter is read there (a second getPeerCertificate()
        // would parse and hash it again: a fifth of a probe's CPU).
        checkServerIdentity: (host, cert) => {
          const err = tls.checkServerIdentity(host, cert);
          if (!err && cert.valid_to) x.certValidTo = new Date(cert.valid_to);
          return err;
        },
      });
      // ...without the issuer chain Node would rebuild for it (see leafOnlyPeerCertificate).
      leafOnlyPeerCertificate(socket);
      x.start(socket, deadline, request);
    } else {
      // Plain TCP reads straight into one shared buffer (`onread`): no Buffer per read, no stream push.
      const socket = net.connect({
        host: remote.address,
        port,
        lookup: pinnedLookup(remote),
        onread: { buffer: READ_BUFFER, callback: onRead },
      });
      x.start(socket, deadline, request, true);
    }
  });
}

function followedRedirect(status: number, headers: IncomingHttpHeaders): boolean {
  return REDIRECT.has(status) && typeof headers.location === "string";
}

const EXCHANGE = Symbol("exchange");
type Tagged = net.Socket & { [EXCHANGE]: Exchange };

/**
 * The state of one exchange; its socket's listeners are shared functions that find it on the socket
 * (no closures per probe). Settles once: with the response, or with the first error / abort reason; the
 * socket is destroyed either way.
 */
class Exchange {
  certValidTo: Date | undefined;
  private settled = false;
  private socket: net.Socket | undefined;
  private offAbort: (() => void) | undefined;

  constructor(
    private readonly reader: ResponseReader,
    private readonly resolve: (value: Exchanged) => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  /** `onread`: the socket delivers its bytes to onRead (no 'data' events). */
  start(socket: net.Socket, deadline: Deadline, request: Buffer, onread = false): void {
    this.socket = socket;
    (socket as Tagged)[EXCHANGE] = this;
    if (!onread) socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onError);
    socket.on("close", onClose);
    this.offAbort = deadline.onAbort((reason) => this.settle(reason));
    socket.write(request);
  }

  data(chunk: Buffer): void {
    if (this.settled) return;
    try {
      if (this.reader.push(chunk)) this.settle(null);
    } catch (err) {
      this.settle(err);
    }
  }

  end(): void {
    try {
      this.reader.end();
      this.settle(null);
    } catch (err) {
      this.settle(err);
    }
  }

  /** Closed without 'end' first (e.g. nothing consumed the stream's EOF): the same as the peer's end. */
  closed(): void {
    if (!this.settled) this.end();
  }

  settle(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.offAbort?.();
    this.socket?.destroy();
    if (err) {
      this.reject(err);
      return;
    }
    const res = this.reader.result();
    this.resolve(this.certValidTo ? { ...res, certValidTo: this.certValidTo } : res);
  }
}

function onData(this: Tagged, chunk: Buffer): void {
  this[EXCHANGE].data(chunk);
}
/** Every plain socket's reads land here, processed before the next read: the reader copies what it keeps. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
function onRead(this: Tagged, bytes: number): boolean {
  this[EXCHANGE].data(READ_BUFFER.subarray(0, bytes));
  return true; // keep reading
}
function onEnd(this: Tagged): void {
  this[EXCHANGE].end();
}
function onError(this: Tagged, err: Error): void {
  this[EXCHANGE].settle(err);
}
function onClose(this: Tagged): void {
  this[EXCHANGE].closed();
}

import type { IncomingHttpHeaders } from "node:http";

/**
 * The HTTP/1.1 wire format a probe needs, and nothing more: one request written on a fresh connection
 * (`Connection: close`) and one response read from it. Used instead of node:http / undici because a probe
 * pays for every connection: ClientRequest + IncomingMessage (or an undici Client per pinned address)
 * cost more CPU than the TCP connect itself (bench B1).
 *
 * The reader is strict where a lenient parse could hide a broken target and bounded everywhere a hostile
 * one could make it grow: the head (status line + headers) is capped at `maxHeaderBytes`, the body is
 * counted as it arrives and reading stops at `maxBodyBytes`, chunk-size lines are capped, and nothing is
 * ever decompressed. It never forwards anything, so one message per connection is all it must frame
 * (RFC 9112 §6.3): no body for HEAD / 1xx / 204 / 304; chunked when it is the final transfer coding;
 * else Content-Length; else until the peer closes.
 */

/** The response broke the protocol (the message says how); a target failure, reported as such. */
export class HttpProtocolError extends Error {
  readonly code = "EHTTPPROTOCOL";
}

/** The status line + headers did not end within the allowed size. */
export class HeadersTooLargeError extends Error {
  readonly code = "EHEADERSTOOLARGE";
  constructor(limit: number) {
    super(`response headers larger than ${limit} bytes`);
  }
}

/** The peer closed (or reset) the connection before the response was complete. */
export function prematureClose(started: boolean): Error {
  return Object.assign(
    new Error(started ? "connection closed before the response ended" : "connection closed before a response"),
    { code: "ECONNRESET" },
  );
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field values: visible ASCII, obs-text, space and tab (no CR, LF, NUL or other controls). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers the request writer owns (framing and routing); callers' values for them are ignored. */
const OWN_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding"]);

export interface Http1Request {
  method: string;
  /** Origin-form request target: path + query, already percent-encoded (WHATWG URL). */
  target: string;
  /** The Host header: the URL's host[:port]. */
  host: string;
  /** Extra headers; names are case-insensitive (a later duplicate replaces an earlier one). */
  headers?: Record<string, string>;
  body?: string;
}

const PAYLOAD_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** The request bytes: request line, Host, Accept (unless given), the headers, Connection: close, framing. */
export function encodeRequest(req: Http1Request): Buffer {
  if (!TOKEN.test(req.method)) throw new TypeError(`invalid HTTP method ${JSON.stringify(req.method.slice(0, 40))}`);
  if (!/^\/[\x21-\x7e]*$/.test(req.target)) throw new TypeError("invalid request target");
  if (!FIELD_VALUE.test(req.host) || /[\s]/.test(req.host)) throw new TypeError("invalid Host");
  const fields = new Map<string, [string, string]>([["accept", ["accept", "*/*"]]]);
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name.slice(0, 40))}`);
    if (!FIELD_VALUE.test(value)) throw new TypeError(`invalid character in header ${name}`);
    const lower = name.toLowerCase();
    if (!OWN_HEADERS.has(lower)) fields.set(lower, [name, value]);
  }
  let head = `${req.method} ${req.target} HTTP/1.1\r\nhost: ${req.host}\r\n`;
  for (const [name, value] of fields.values()) head += `${name}: ${value}\r\n`;
  head += "connection: close\r\n";
  const bodyBytes = req.body === undefined ? 0 : Buffer.byteLength(req.body);
  // Explicit framing: a body always has its length; POST/PUT/PATCH without one say 0.
  if (req.body !== undefined || PAYLOAD_METHODS.has(req.method)) head += `content-length: ${bodyBytes}\r\n`;
  head += "\r\n";
  const headBytes = Buffer.byteLength(head, "latin1");
  const out = Buffer.allocUnsafe(headBytes + bodyBytes);
  out.write(head, 0, "latin1");
  if (req.body !== undefined) out.write(req.body, headBytes, "utf8");
  return out;
}

export interface Http1Response {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body bytes kept (at most maxBodyBytes; empty unless collectBody). */
  body: Buffer;
  /** Body bytes read (decoded from chunked framing), at most maxBodyBytes. */
  bodyBytes: number;
}

export interface ReaderOptions {
  /** The request was HEAD: the response has no body whatever its headers say. */
  headRequest: boolean;
  maxHeaderBytes: number;
  /** Stop reading once this many body bytes have arrived (the rest is never read). */
  maxBodyBytes: number;
  /** Keep the body bytes (for assertions); otherwise they are only counted. */
  collectBody: boolean;
  /** Called with the final head: true = do not read the body at all (e.g. a redirect that will be followed). */
  skipBody?: (statusCode: number, headers: IncomingHttpHeaders) => boolean;
}

/** At most this many interim (1xx) responses before the final one. */
const MAX_INTERIM = 16;
/** A chunk-size line (size + extensions) longer than this is refused. */
const MAX_CHUNK_LINE = 4096;
/** Duplicates of these are dropped (the first wins), as node:http does; set-cookie is a list. */
const SINGLE = new Set([
  "age",
  "authorization",
  "content-length",
  "content-type",
  "etag",
  "expires",
  "from",
  "host",
  "if-modified-since",
  "if-unmodified-since",
  "last-modified",
  "location",
  "max-forwards",
  "proxy-authorization",
  "referer",
  "retry-after",
  "server",
  "user-agent",
]);

/** Where the reader is: in the head, in a body framed one of three ways, or done. */
const Phase = { Head: 0, Length: 1, Close: 2, ChunkSize: 3, ChunkData: 4, ChunkDataEnd: 5, Done: 6 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/**
 * Incremental response reader: `push` every chunk as it arrives (true once the response is complete or
 * enough of it was read), `end` when the peer closes; both throw on a protocol violation.
 */
export class ResponseReader {
  private phase: Phase = Phase.Head;
  private head: Buffer | undefined;
  private interim = 0;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = Object.create(null);
  private remaining = 0;
  private chunkLine = "";
  private read = 0;
  private readonly chunks: Buffer[] | undefined;
  private started = false;

  constructor(private readonly opts: ReaderOptions) {
    this.chunks = opts.collectBody ? [] : undefined;
  }

  get done(): boolean {
    return this.phase === Phase.Done;
  }

  /** Whether any response byte arrived (for the wording of a premature close). */
  get responseStarted(): boolean {
    return this.started;
  }

  /** `chunk` may be a view of a reused buffer: whatever is kept is copied. */
  push(chunk: Buffer): boolean {
    if (chunk.length > 0) this.started = true;
    let data: Buffer = chunk;
    while (data.length > 0 && this.phase !== Phase.Done) {
      switch (this.phase) {
        case Phase.Head:
          data = this.pushHead(data);
          break;
        case Phase.Length: {
          const n = Math.min(this.remaining, data.length);
          this.body(data.subarray(0, n));
          this.remaining -= n;
          if (this.remaining === 0) this.phase = Phase.Done;
          data = data.subarray(n);
          break;
        }
        case Phase.Close:
          this.body(data);
          data = data.subarray(data.length);
          break;
        case Phase.ChunkSize:
          data = this.pushChunkSize(data);
          break;
        case Phase.ChunkData: {
          const n = Math.min(this.remaining, data.length);
          this.body(data.subarray(0, n));
          this.remaining -= n;
          if (this.remaining === 0) this.phase = Phase.ChunkDataEnd;
          data = data.subarray(n);
          break;
        }
        case Phase.ChunkDataEnd: {
          // CRLF (or a bare LF) after the chunk's data.
          const b = data[0];
          if (b === 0x0d && this.remaining === 0) this.remaining = 1;
          else if (b === 0x0a) {
            this.remaining = 0;
            this.phase = Phase.ChunkSize;
          } else throw new HttpProtocolError("chunk data not followed by CRLF");
          data = data.subarray(1);
          break;
        }
      }
      if (this.phase !== Phase.Done && this.phase !== Phase.Head && this.read >= this.opts.maxBodyBytes) {
        this.phase = Phase.Done;
      }
    }
    return this.phase === Phase.Done;
  }

  /** The peer closed its side: complete for a close-delimited body, otherwise an error. */
  end(): void {
    if (this.phase === Phase.Close) this.phase = Phase.Done;
    if (this.phase !== Phase.Done) throw prematureClose(this.started);
  }

  result(): Http1Response {
    const max = this.opts.maxBodyBytes;
    return {
      statusCode: this.statusCode,
      headers: this.headers,
      body: this.chunks ? Buffer.concat(this.chunks) : EMPTY,
      bodyBytes: Math.min(this.read, max),
    };
  }

  private body(buf: Buffer): void {
    if (buf.length === 0) return;
    const room = this.opts.maxBodyBytes - this.read;
    // A copy: the caller may hand in a view of a buffer it reuses for the next read.
    if (this.chunks && room > 0) this.chunks.push(Buffer.from(buf.length > room ? buf.subarray(0, room) : buf));
    this.read += buf.length;
  }

  /** Accumulates the head until its blank line; parses it; returns the bytes after it. */
  private pushHead(data: Buffer): Buffer {
    const prev = this.head?.length ?? 0;
    const buf = this.head ? Buffer.concat([this.head, data]) : data;
    // The blank line may straddle chunks: search from a little before the new bytes.
    const end = headEnd(buf, Math.max(0, prev - 3));
    if (end === -1) {
      if (buf.length > this.opts.maxHeaderBytes) throw new HeadersTooLargeError(this.opts.maxHeaderBytes);
      if (buf.length >= 5 && buf.toString("latin1", 0, 5) !== "HTTP/") {
        throw new HttpProtocolError("not an HTTP/1.x response");
      }
      this.head = buf === data ? Buffer.from(data) : buf;
      return EMPTY;
    }
    if (end.start > this.opts.maxHeaderBytes) throw new HeadersTooLargeError(this.opts.maxHeaderBytes);
    this.head = undefined;
    this.parseHead(buf.toString("latin1", 0, end.start));
    return buf.subarray(end.next);
  }

  private parseHead(text: string): void {
    const lines = text.split("\n");
    const statusLine = trimCr(lines[0] ?? "");
    const m = /^HTTP\/1\.[01] ([1-9]\d\d)(?:[ \t][^\r\n]*)?$/.exec(statusLine);
    if (!m) throw new HttpProtocolError("bad status line");
    const status = Number(m[1]);
    const headers: IncomingHttpHeaders = Object.create(null);
    let contentLength: string | undefined;
    let last: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = trimCr(lines[i] ?? "");
      if (line.length === 0) continue;
      if (line[0] === " " || line[0] === "\t") {
        // obs-fold (RFC 9112 §5.2): a continuation of the previous field, replaced by one space.
        if (!last) throw new HttpProtocolError("header continuation without a header");
        const folded = line.trim();
        const v = headers[last];
        if (typeof v === "string") headers[last] = v ? `${v} ${folded}` : folded;
        continue;
      }
      const colon = line.indexOf(":");
      const name = colon > 0 ? line.slice(0, colon) : "";
      if (!TOKEN.test(name)) throw new HttpProtocolError("bad header line");
      const value = line.slice(colon + 1).trim();
      if (!FIELD_VALUE.test(value)) throw new HttpProtocolError("bad character in a header value");
      const key = name.toLowerCase();
      last = key;
      if (key === "content-length") {
        if (contentLength !== undefined && contentLength !== value) {
          throw new HttpProtocolError("conflicting Content-Length headers");
        }
        contentLength = value;
      }
      const existing = headers[key];
      if (existing === undefined) headers[key] = key === "set-cookie" ? [value] : value;
      else if (Array.isArray(existing)) existing.push(value);
      else if (!SINGLE.has(key)) headers[key] = `${existing}, ${value}`;
    }

    // Interim responses (100 Continue, 103 Early Hints, ...) precede the real one: skip them.
    if (status < 200 && status !== 101) {
      if (++this.interim > MAX_INTERIM) throw new HttpProtocolError("too many interim (1xx) responses");
      return;
    }
    this.statusCode = status;
    this.headers = headers;
    const { opts } = this;
    if (
      opts.headRequest ||
      status < 200 ||
      status === 204 ||
      status === 304 ||
      opts.maxBodyBytes === 0 ||
      opts.skipBody?.(status, headers)
    ) {
      this.phase = Phase.Done;
      return;
    }
    const te = headers["transfer-encoding"];
    if (te !== undefined) {
      const codings = String(te).toLowerCase().split(",");
      // chunked as the final coding frames the body; any other final coding runs until close.
      this.phase = codings[codings.length - 1]?.trim() === "chunked" ? Phase.ChunkSize : Phase.Close;
      return;
    }
    if (contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(contentLength)) throw new HttpProtocolError("bad Content-Length");
      this.remaining = Number(contentLength);
      this.phase = this.remaining === 0 ? Phase.Done : Phase.Length;
      return;
    }
    this.phase = Phase.Close;
  }

  /** Reads a chunk-size line (hex size, optional ;extensions) up to its LF. */
  private pushChunkSize(data: Buffer): Buffer {
    const lf = data.indexOf(0x0a);
    const part = data.toString("latin1", 0, lf === -1 ? data.length : lf);
    if (this.chunkLine.length + part.length > MAX_CHUNK_LINE) throw new HttpProtocolError("chunk-size line too long");
    this.chunkLine += part;
    if (lf === -1) return EMPTY;
    const line = trimCr(this.chunkLine);
    this.chunkLine = "";
    const semi = line.indexOf(";");
    const size = (semi === -1 ? line : line.slice(0, semi)).trimEnd();
    if (!/^[0-9a-fA-F]{1,13}$/.test(size)) throw new HttpProtocolError("bad chunk size");
    this.remaining = Number.parseInt(size, 16);
    // The last chunk: trailers (if any) are not needed; the connection is closed next.
    this.phase = this.remaining === 0 ? Phase.Done : Phase.ChunkData;
    return data.subarray(lf + 1);
  }
}

const EMPTY = Buffer.alloc(0);

function trimCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Where the head ends: the first empty line (CRLF CRLF, or bare LFs), searching from `from`. */
function headEnd(buf: Buffer, from: number): { start: number; next: number } | -1 {
  for (let i = buf.indexOf(0x0a, from); i !== -1; i = buf.indexOf(0x0a, i + 1)) {
    // i is an LF: the line after it is empty when the next byte is LF, or CR followed by LF.
    if (buf[i + 1] === 0x0a) return { start: i + 1, next: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { start: i + 1, next: i + 3 };
  }
  return -1;
}

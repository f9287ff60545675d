import { guardedRequest } from "@steward/probes";
import { classifyHttpStatus, type DeliveryResult, failure, redact, type SendContext } from "./channel.ts";

/** Bytes of a peer's answer read at most (the rest is dropped with the connection). */
export const MAX_RESPONSE_BYTES = 4096;
export const USER_AGENT = "Steward-Notify/1";

/**
 * POSTs `json` (a JSON text, sent as is) to `url` through the SSRF guard: the host resolved once and pinned, the platform
 * deny list applied, no redirect followed (a 3xx is a final failure), at most MAX_RESPONSE_BYTES read,
 * the context's deadline and signal honoured. Never throws: every failure is a DeliveryResult, with every
 * value of `secrets` redacted from it.
 */
export async function postJson(
  url: string,
  json: string,
  headers: Record<string, string>,
  ctx: Pick<SendContext<unknown, Record<string, unknown>>, "secrets" | "signal" | "timeoutMs" | "ssrf">,
): Promise<DeliveryResult> {
  try {
    const res = await guardedRequest({
      url,
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": USER_AGENT, ...headers },
      body: json,
      maxRedirects: 0,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      collectBody: true,
      guard: ctx.ssrf,
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
    const { ok, retryable } = classifyHttpStatus(res.statusCode);
    const snippet = redact(res.body.toString("utf8"), ctx.secrets);
    return {
      ok,
      status: res.statusCode,
      retryable,
      ...(snippet ? { responseSnippet: snippet } : {}),
      ...(ok
        ? {}
        : {
            error:
              res.statusCode >= 300 && res.statusCode < 400
                ? `HTTP ${res.statusCode}: redirects are not followed`
                : `HTTP ${res.statusCode}`,
          }),
    };
  } catch (err) {
    return failure(err, ctx.secrets);
  }
}

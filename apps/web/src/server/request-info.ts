import "server-only";
import { CLIENT_ADDRESS_HEADER, isClientAddressHookInstalled } from "./client-address-hook.ts";
import { logger } from "./logger.ts";

let warned = false;

/**
 * The client's address as the socket hook derived it (client-address-hook.ts, ADR 0014): the TCP peer,
 * or the right-most untrusted X-Forwarded-For entry when the peer is a trusted proxy. Never a header the
 * client chose: without the hook (it is installed by instrumentation.ts) the answer is "unknown".
 */
export function clientIp(headers: Headers): string {
  if (!isClientAddressHookInstalled()) {
    if (!warned) logger.error("client-address hook not installed: client addresses are unknown");
    warned = true;
    return "unknown";
  }
  return headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** The request id set by proxy.ts (or an upstream), validated; else a fresh one. */
export function requestIdFrom(headers: Headers): string {
  const id = headers.get("x-request-id");
  return id && SAFE_ID.test(id) ? id : crypto.randomUUID();
}

import tls from "node:tls";

/**
 * TLS client contexts, shared by every probe. Building one (an OpenSSL SSL_CTX loading the root store, or
 * parsing a private CA bundle on top of ~140 system roots) costs more than a handshake, so a probe never
 * builds its own: the default context (system roots + NODE_EXTRA_CA_CERTS) is made once, and one context
 * per distinct private CA bundle is kept (a small LRU). Sharing a context never shares TLS sessions: Node's
 * client contexts keep no internal session cache (a session is only resumed when one is passed explicitly),
 * so every probe still does a full handshake with full verification.
 */
const MAX_PRIVATE_CONTEXTS = 64;
let defaultContext: tls.SecureContext | undefined;
const byCa = new Map<string, tls.SecureContext>();

export function secureContextFor(ca?: string | readonly string[]): tls.SecureContext {
  if (ca === undefined) {
    defaultContext ??= tls.createSecureContext();
    return defaultContext;
  }
  const key = typeof ca === "string" ? ca : ca.join("\n");
  const hit = byCa.get(key);
  if (hit) {
    // Most recently used goes last (Map keeps insertion order).
    byCa.delete(key);
    byCa.set(key, hit);
    return hit;
  }
  // A private CA is added to (never replaces) the system roots.
  const created = tls.createSecureContext({ ca: [...tls.rootCertificates, ...(typeof ca === "string" ? [ca] : ca)] });
  byCa.set(key, created);
  if (byCa.size > MAX_PRIVATE_CONTEXTS) byCa.delete(byCa.keys().next().value as string);
  return created;
}

const peerCertificate = tls.TLSSocket.prototype.getPeerCertificate;
function leafCertificate(this: tls.TLSSocket): tls.PeerCertificate {
  return peerCertificate.call(this, false);
}

/**
 * When a client handshake completes, Node asks the socket for the DETAILED peer certificate — its issuer
 * chain rebuilt from the root store, ≈ 0.3 ms of CPU per handshake with OpenSSL 3 (more than the rest of an
 * HTTPS probe) — only to hand it to `checkServerIdentity`, which reads the leaf's names (subject, SANs).
 * For a socket that is the probe's alone, answer every getPeerCertificate() with the leaf. Chain verification
 * (OpenSSL, before this) and the identity check are unchanged; nothing else reads this socket's chain.
 */
export function leafOnlyPeerCertificate(socket: tls.TLSSocket): void {
  Object.defineProperty(socket, "getPeerCertificate", { value: leafCertificate, configurable: true });
}

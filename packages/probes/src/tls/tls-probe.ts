import { isIP } from "node:net";
import tls from "node:tls";
import { z } from "zod";
import { checkLiteralHost, runProbe } from "../common/probe-run.ts";
import { HostSchema, PortSchema } from "../common/schema.ts";
import { leafOnlyPeerCertificate, secureContextFor } from "../common/tls-context.ts";
import type { Probe } from "../probe.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const TlsProbeConfig = z.object({
  host: HostSchema,
  port: PortSchema.default(443),
  /** SNI + the name the certificate must be valid for; default: host (when host is a name). */
  servername: HostSchema.optional(),
  /** Fewer whole days than this before notAfter → the probe fails ("certificate expires in N days"). */
  expiryWarningDays: z
    .number()
    .int("Expiry warning must be whole days")
    .min(0, "Expiry warning days cannot be negative")
    .max(365, "Expiry warning is at most 365 days")
    .default(14),
  /** Extra trusted CA certificates (PEM), added to the system roots: private PKI, tests. */
  ca: z
    .string()
    .max(64 * 1024, "CA bundle is too large (64 KiB max)")
    .refine((s) => s.includes("-----BEGIN CERTIFICATE-----"), { message: "CA must be PEM certificates" })
    .optional(),
});
export type TlsProbeConfig = z.infer<typeof TlsProbeConfig>;

function describeAuthError(code: string, name: string, validTo: string | undefined): string {
  switch (code) {
    case "CERT_HAS_EXPIRED":
      return `certificate expired${validTo ? ` on ${new Date(validTo).toISOString().slice(0, 10)}` : ""}`;
    case "CERT_NOT_YET_VALID":
      return "certificate is not yet valid";
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return `self-signed certificate, not trusted (${code})`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `certificate is not valid for ${name}`;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return `certificate chain is incomplete or untrusted (${code})`;
    case "CERT_REVOKED":
      return "certificate revoked";
    default:
      return `certificate not trusted (${code})`;
  }
}

/**
 * TLS certificate check. Validates, in this order: the chain (system roots + optional `ca`), the hostname
 * (servername, else host — an IP host is matched against IP SANs), then expiry. The socket is opened with
 * rejectUnauthorized:false only so that Node still computes `authorizationError` (chain and hostname) and we
 * can say precisely what is wrong; any authorization error is a failure. A certificate that is valid but
 * expires in fewer than `expiryWarningDays` days is ALSO a failure (ok:false, "certificate expires in N
 * days") rather than an ok-with-warning: the ProbeResult contract has no warning channel, and an expiring
 * certificate must alert before the outage. The connection is closed right after the handshake.
 */
export const tlsProbe: Probe<"TLS", typeof TlsProbeConfig> = {
  kind: "TLS",
  configSchema: TlsProbeConfig,
  run(config, ctx) {
    return runProbe(ctx, async (run) => {
      checkLiteralHost(config.host, ctx.ssrf, config.port);
      const servername = config.servername ?? (isIP(config.host) ? undefined : config.host);
      const name = servername ?? config.host;
      const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({
          host: config.host,
          port: config.port,
          // SNI must not be an IP address (RFC 6066); the identity check still uses `host` then.
          ...(servername ? { servername } : {}),
          lookup: ctx.ssrf.lookupFor(config.port),
          rejectUnauthorized: false,
          // Shared contexts (system roots, plus the private CA when set): building one per probe costs more
          // than the handshake. TLS sessions are never reused: every probe is a full handshake.
          secureContext: secureContextFor(config.ca),
        });
        leafOnlyPeerCertificate(s);
        run.defer(() => s.destroy());
        s.once("secureConnect", () => resolve(s));
        s.on("error", reject);
        run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
      });
      const cert = socket.getPeerCertificate();
      const authError = socket.authorizationError;
      socket.destroy();
      if (!cert?.valid_to) return { ok: false, error: "server presented no certificate" };
      if (authError) {
        const code =
          typeof authError === "string" ? authError : ((authError as { code?: string }).code ?? String(authError));
        return { ok: false, error: describeAuthError(code, name, cert.valid_to) };
      }
      const daysLeft = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / DAY_MS);
      if (daysLeft < config.expiryWarningDays) {
        return { ok: false, error: `certificate expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}` };
      }
      return { ok: true };
    });
  },
};

import { isIP } from "node:net";
import { z } from "zod";

const HOSTNAME =
  /^(?=.{1,253}$)(?:[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?)*\.?$/;

/** A DNS name or a literal IPv4/IPv6 address (IPv6 with or without brackets). */
export const HostSchema = z
  .string()
  .trim()
  .min(1, "Host is required")
  .max(253, "Host is too long")
  .refine((h) => isIP(h.replace(/^\[|\]$/g, "")) !== 0 || HOSTNAME.test(h), {
    message: "Host must be a DNS name or an IP address",
  })
  .transform((h) => h.replace(/^\[|\]$/g, ""));

export const PortSchema = z
  .number({ message: "Port must be a number" })
  .int("Port must be a whole number")
  .min(1, "Port must be between 1 and 65535")
  .max(65535, "Port must be between 1 and 65535");

/** True when a URL carries credentials (`user:password@host` or `user@host`). */
export function urlHasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== "" || u.password !== "";
  } catch {
    return false;
  }
}

/** Why a URL with credentials is refused (issue 8 item 2): viewers see URLs (list, CSV export, audit log). */
export const URL_CREDENTIALS_MESSAGE =
  "Credentials in the URL (user:password@host) are not accepted: everyone who can see the monitor sees its URL. Put them in a secret header instead (Headers: Authorization), which is stored encrypted and never shown again.";

import { createHash, randomBytes } from "node:crypto";

/** A push token: 32 url-safe characters (192 random bits). Only its SHA-256 is stored. */
export const HEARTBEAT_TOKEN = /^[A-Za-z0-9_-]{32}$/;

export function generateHeartbeatToken(): { token: string; hash: string } {
  const token = randomBytes(24).toString("base64url");
  return { token, hash: hashHeartbeatToken(token) };
}

/** Hex SHA-256 of a push token (a high-entropy random secret: no salt or slow hash needed). */
export function hashHeartbeatToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

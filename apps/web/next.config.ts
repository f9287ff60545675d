import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./src/security-headers.ts";

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: [
    "@steward/api",
    "@steward/services",
    "@steward/ui",
    "@steward/domain",
    "@steward/db",
    "@steward/jobs",
    "@steward/probes",
    "@steward/secrets",
  ],
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@node-rs/argon2",
    "pino",
    "ioredis",
    "bullmq",
  ],
  // proxy.ts sets the security headers (with a per-request CSP nonce) on every response it handles;
  // the paths it skips (static assets) get the same headers here, with a nonce-less CSP.
  async headers() {
    return [
      { source: "/_next/:path*", headers: staticSecurityHeaders() },
      { source: "/favicon.ico", headers: staticSecurityHeaders() },
      { source: "/icon.svg", headers: staticSecurityHeaders() },
    ];
  },
};

export default config;

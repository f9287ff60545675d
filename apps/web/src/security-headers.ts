/** Security headers shared by proxy.ts (documents, with a nonce) and next.config headers() (everything). */
const isProd = process.env.NODE_ENV === "production";

export function contentSecurityPolicy(nonce: string | null): string {
  const script = nonce ? `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'` : "script-src 'self'";
  return [
    "default-src 'self'",
    isProd ? script : `${script} 'unsafe-eval'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

export function staticSecurityHeaders(): { key: string; value: string }[] {
  const h = [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(null) },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    {
      key: "Permissions-Policy",
      value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
  if (isProd) h.push({ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" });
  return h;
}

/**
 * Where the app may send a browser after sign-in (or back to after a redirect to /login): a path on this
 * origin, nothing else, whatever the spelling. Browsers forgive a lot when they read a `Location` header or
 * `location.assign()` — they drop tabs and newlines, treat `\` as `/`, and read `//host` as another
 * origin — so the raw value is refused on any byte outside printable ASCII or any backslash *before*
 * parsing, then parsed with the WHATWG URL parser against a sentinel origin, and the normalised result must
 * still be a same-origin path that does not start with `//` (`/.//evil` normalises to `//evil`).
 * Anything else falls back to `/`.
 */
const SENTINEL = "http://steward.invalid";
const MAX_LENGTH = 2048;

export function safeRedirectPath(raw: unknown, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return fallback;
  // Printable ASCII only (no controls, no spaces, no unicode look-alikes such as U+FF0F), no backslash.
  if (!/^[\x21-\x7e]+$/.test(value) || value.includes("\\")) return fallback;
  // A relative path: one leading slash, never a scheme-relative `//host` or an absolute `scheme:`.
  if (!value.startsWith("/") || value.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(value, SENTINEL);
  } catch {
    return fallback;
  }
  if (url.origin !== SENTINEL || url.username || url.password) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot-segment removal can turn `/.//evil` into `//evil`: re-check what the browser would be given.
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return fallback;
  return path;
}

/** For next-auth's `redirect` callback: an absolute URL on `baseUrl`'s origin, else `baseUrl`. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  let candidate = url;
  if (!url.startsWith("/")) {
    // next-auth hands absolute URLs too; only this origin's are kept (reduced to their path).
    try {
      const parsed = new URL(url);
      if (parsed.origin !== new URL(baseUrl).origin) return baseUrl;
      candidate = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    } catch {
      return baseUrl;
    }
    if (!/^[\x21-\x7e]+$/.test(url) || url.includes("\\")) return baseUrl;
  }
  const path = safeRedirectPath(candidate, "");
  return path ? `${baseUrl.replace(/\/+$/, "")}${path}` : baseUrl;
}

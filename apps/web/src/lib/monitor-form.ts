/**
 * The monitor form's config fields, generated from the kind's JSON Schema (the probe's zod schema on the
 * server, sent by monitor.kinds), with optional per-kind labels / hints. A new probe kind gets a working
 * form with no change here; an entry in KIND_HINTS only polishes its labels.
 */

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  const?: unknown;
  default?: unknown;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
  description?: string;
};

export type FieldWidget =
  | "text"
  | "url"
  | "password"
  | "number"
  | "select"
  | "checkbox"
  | "list"
  | "textarea"
  /** A string → string record (headers, labels), one "key: value" per line. */
  | "map";

export interface ConfigField {
  /** Path inside config, dotted ("resolver.host"). */
  path: string;
  label: string;
  widget: FieldWidget;
  /** For "list": the items' JSON type. */
  itemType?: "number" | "string";
  required: boolean;
  options?: { value: string; label: string }[];
  /** The select's values are numbers (anyOf const numbers). */
  numericOptions?: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  placeholder?: string;
  help?: string;
}

interface KindHints {
  label: string;
  description: string;
  fields?: Record<string, Partial<Pick<ConfigField, "label" | "placeholder" | "help" | "widget">>>;
  /** Fields shown first, in this order (others follow in schema order). */
  order?: string[];
}

export const KIND_HINTS: Record<string, KindHints> = {
  HTTP: {
    label: "HTTP(S)",
    description: "Requests a URL; the expected status codes (default any 2xx/3xx) count as up.",
    order: ["url", "method", "expectedStatus", "headers", "body", "keyword", "keywordMode", "keywordCaseSensitive"],
    fields: {
      url: { label: "URL", placeholder: "https://example.com/health", widget: "url" },
      headers: {
        label: "Request headers",
        placeholder: "Accept: application/json",
        help: "One “Name: value” per line.",
      },
      jsonPath: { label: "JSON path" },
      jsonPathOp: { label: "JSON path comparison" },
      jsonPathExpected: { label: "JSON path expected value" },
      regexFlags: { label: "Regex flags", placeholder: "i" },
      certExpiryWarningDays: { label: "Certificate warning (days before expiry)" },
      ca: { label: "Extra CA (PEM)", widget: "textarea" },
      expectedStatus: {
        label: "Expected status codes",
        placeholder: "200, 204",
        help: "Comma-separated; empty = any 2xx or 3xx.",
      },
      maxBodyBytes: { label: "Read at most (bytes)" },
      maxRedirects: { label: "Follow at most (redirects)" },
    },
  },
  TCP: { label: "TCP connect", description: "Opens a TCP connection to host:port." },
  DNS: {
    label: "DNS",
    description: "Resolves a name with a chosen resolver and compares the answers.",
    fields: {
      recordType: { label: "Record type" },
      expected: { label: "Expected answers", help: "One per line or comma-separated; empty = any answer." },
      "resolver.host": { label: "Resolver host" },
      "resolver.port": { label: "Resolver port" },
    },
  },
  TLS: {
    label: "TLS certificate",
    description: "Checks chain, hostname and expiry of a server's certificate.",
    fields: {
      ca: { label: "Extra CA (PEM)", widget: "textarea" },
      expiryWarningDays: { label: "Warn days before expiry" },
    },
  },
  POSTGRES: { label: "PostgreSQL", description: "Connects, runs a query and optionally compares the value." },
  REDIS: { label: "Redis", description: "Connects and sends PING." },
  MQTT: { label: "MQTT", description: "Connects, publishes and receives its own message." },
  ICMP: { label: "ICMP ping", description: "Pings a host." },
  PROMETHEUS: {
    label: "Prometheus metric",
    description: "Scrapes an exposition endpoint and compares a metric.",
    fields: { labels: { label: "Label matchers", placeholder: "job: node", help: "One “label: value” per line." } },
  },
};

export function kindLabel(kind: string): string {
  return KIND_HINTS[kind]?.label ?? kind;
}

function humanize(key: string): string {
  const s = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[._]/g, " ");
  return (
    s.charAt(0).toUpperCase() +
    s
      .slice(1)
      .toLowerCase()
      .replace(/\burl\b/, "URL")
      .replace(/\btls\b/, "TLS")
  );
}

function fieldOf(path: string, key: string, s: JsonSchema, required: boolean, hints?: KindHints): ConfigField {
  const hint = hints?.fields?.[path] ?? {};
  const base = {
    path,
    label: hint.label ?? humanize(key),
    required,
    default: s.default,
    ...(s.minimum !== undefined ? { min: s.minimum } : {}),
    ...(s.maximum !== undefined ? { max: s.maximum } : {}),
    ...(hint.placeholder ? { placeholder: hint.placeholder } : {}),
    ...(hint.help ? { help: hint.help } : s.description ? { help: s.description } : {}),
  };
  if (s.enum) {
    return { ...base, widget: "select", options: s.enum.map((v) => ({ value: String(v), label: String(v) })) };
  }
  if (s.anyOf?.every((a) => a.const !== undefined)) {
    return {
      ...base,
      widget: "select",
      numericOptions: s.anyOf.every((a) => typeof a.const === "number"),
      options: s.anyOf.map((a) => ({ value: String(a.const), label: String(a.const) })),
    };
  }
  if (s.type === "boolean") return { ...base, widget: "checkbox" };
  if (s.type === "object" && !s.properties && s.additionalProperties) {
    return { ...base, widget: "map", ...(hint.help ? {} : { help: "One “key: value” per line." }) };
  }
  if (s.type === "integer" || s.type === "number") return { ...base, widget: "number" };
  if (s.type === "array") {
    const it = s.items?.type === "integer" || s.items?.type === "number" ? "number" : "string";
    return { ...base, widget: "list", itemType: it };
  }
  const widget: FieldWidget =
    hint.widget ??
    (/password|secret/i.test(key)
      ? "password"
      : s.format === "uri"
        ? "url"
        : (s.maxLength ?? 0) > 4096
          ? "textarea"
          : "text");
  return { ...base, widget };
}

/** The config fields of a kind from its JSON Schema (one level of nested objects is flattened). */
export function configFields(kind: string, schema: JsonSchema): ConfigField[] {
  const hints = KIND_HINTS[kind];
  const out: ConfigField[] = [];
  const req = new Set(schema.required ?? []);
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    if (s.type === "object" && s.properties) {
      const inner = new Set(s.required ?? []);
      for (const [k2, s2] of Object.entries(s.properties)) {
        out.push(fieldOf(`${key}.${k2}`, `${key} ${k2}`, s2, req.has(key) && inner.has(k2), hints));
      }
    } else {
      out.push(fieldOf(key, key, s, req.has(key), hints));
    }
  }
  const order = hints?.order ?? [];
  const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.path) - rank(b.f.path) || a.i - b.i)
    .map((x) => x.f);
}

function getPath(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    o[k] = (o[k] as Record<string, unknown> | undefined) ?? {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/** Form text → typed value for one field; undefined for an empty optional input. */
function coerce(f: ConfigField, raw: unknown): unknown {
  if (f.widget === "checkbox") return Boolean(raw);
  if (raw === undefined || raw === null) return undefined;
  const text = String(raw).trim();
  if (text === "") return undefined;
  switch (f.widget) {
    case "number":
      return Number(text);
    case "select":
      return f.numericOptions ? Number(text) : text;
    case "map": {
      const out: Record<string, string> = {};
      for (const line of String(raw).split("\n")) {
        const i = line.indexOf(":");
        if (!line.trim()) continue;
        // A line without ":" becomes a key with an empty value, so the schema can say what is wrong.
        const key = (i < 0 ? line : line.slice(0, i)).trim();
        out[key] = i < 0 ? "" : line.slice(i + 1).trim();
      }
      return Object.keys(out).length ? out : undefined;
    }
    case "list": {
      const parts = text
        .split(f.itemType === "number" ? /[\s,;]+/ : /\s*[\n,]\s*/)
        .map((p) => p.trim())
        .filter(Boolean);
      return f.itemType === "number" ? parts.map(Number) : parts;
    }
    default:
      return f.widget === "password" || f.widget === "textarea" ? String(raw) : text;
  }
}

/** The config object to send, from the form's (string) values. */
export function coerceConfig(fields: readonly ConfigField[], values: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = coerce(f, getPath(values, f.path));
    if (v !== undefined) setPath(out, f.path, v);
  }
  return out;
}

/** The form's values for an existing config (or the schema defaults for a new one). */
export function formValuesOf(fields: readonly ConfigField[], config?: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = config === undefined ? f.default : getPath(config, f.path);
    const text =
      f.widget === "checkbox"
        ? Boolean(v)
        : f.widget === "map" && v && typeof v === "object"
          ? Object.entries(v as Record<string, unknown>)
              .map(([k, x]) => `${k}: ${String(x)}`)
              .join("\n")
          : v === undefined || v === null
            ? ""
            : Array.isArray(v)
              ? v.join(f.itemType === "number" ? ", " : "\n")
              : String(v);
    setPath(out, f.path, text);
  }
  return out;
}

/**
 * A small parser for the Prometheus text exposition format (0.0.4), tolerant of OpenMetrics text
 * (`# EOF`, exemplars after ` # `). Comments (# HELP / # TYPE) are skipped; each sample line becomes
 * {name, labels, value}. Malformed lines are skipped and counted rather than failing the whole scrape.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  samples: Sample[];
  /** Lines that were not comments, blank, or valid samples. */
  invalidLines: number;
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

export function parseValue(raw: string): number | null {
  switch (raw) {
    case "NaN":
      return Number.NaN;
    case "+Inf":
    case "Inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
      return Number.NEGATIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) && !/^[+-]?0[xX][0-9a-fA-F]+$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isNaN(n) ? null : n;
}

/** Parses one sample line; null when it is not a valid sample. */
export function parseSampleLine(line: string): Sample | null {
  let i = 0;
  const n = line.length;
  const skipWs = () => {
    while (i < n && (line[i] === " " || line[i] === "\t")) i++;
  };
  skipWs();
  if (i >= n || !NAME_START.test(line[i] ?? "")) return null;
  const nameStart = i;
  while (i < n && NAME_CHAR.test(line[i] ?? "")) i++;
  const name = line.slice(nameStart, i);
  const labels: Record<string, string> = Object.create(null);
  const afterName = i;
  skipWs();
  if (line[i] !== "{") i = afterName;
  if (line[i] === "{") {
    i++;
    for (;;) {
      skipWs();
      if (line[i] === "}") {
        i++;
        break;
      }
      if (i >= n || !LABEL_START.test(line[i] ?? "")) return null;
      const ls = i;
      while (i < n && LABEL_CHAR.test(line[i] ?? "")) i++;
      const label = line.slice(ls, i);
      skipWs();
      if (line[i] !== "=") return null;
      i++;
      skipWs();
      if (line[i] !== '"') return null;
      i++;
      let value = "";
      for (;;) {
        if (i >= n) return null;
        const c = line[i];
        if (c === "\\") {
          const next = line[i + 1];
          value += next === "n" ? "\n" : next === "\\" ? "\\" : next === '"' ? '"' : `\\${next ?? ""}`;
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      labels[label] = value;
      skipWs();
      if (line[i] === ",") {
        i++;
        continue;
      }
      if (line[i] === "}") {
        i++;
        break;
      }
      return null;
    }
  }
  if (i < n && line[i] !== " " && line[i] !== "\t") return null;
  skipWs();
  const rest = line.slice(i);
  const exemplar = rest.indexOf(" # ");
  const fields = (exemplar >= 0 ? rest.slice(0, exemplar) : rest).trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === "") return null;
  const value = parseValue(fields[0] ?? "");
  if (value === null) return null;
  if (fields.length === 2 && parseValue(fields[1] ?? "") === null) return null;
  return { name, labels, value };
}

export function parseExposition(text: string): ParsedExposition {
  const samples: Sample[] = [];
  let invalidLines = 0;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const s = parseSampleLine(line);
    if (s) samples.push(s);
    else invalidLines++;
  }
  return { samples, invalidLines };
}

export const COMPARISON_OPS = ["lt", "le", "gt", "ge", "eq", "ne"] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** NaN never satisfies a comparison (not even ne), so a NaN metric is never silently "up". */
export function compare(value: number, op: ComparisonOp, threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (op) {
    case "lt":
      return value < threshold;
    case "le":
      return value <= threshold;
    case "gt":
      return value > threshold;
    case "ge":
      return value >= threshold;
    case "eq":
      return value === threshold;
    case "ne":
      return value !== threshold;
  }
}

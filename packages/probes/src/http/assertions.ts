import vm from "node:vm";

/**
 * Body assertions of the HTTP probe: keyword, regular expression, JSON path. Each returns `undefined`
 * when it holds, else the failure message of the probe.
 *
 * Regex safety: JavaScript regexps backtrack, so a pattern like `(a+)+$` can take exponential time on a
 * hostile body. Three limits together bound the cost of one probe:
 *  - the body scanned is what the probe read: at most `maxBodyBytes` (≤ 1 MiB);
 *  - the pattern is at most 512 characters and compiled (syntax-checked) when the config is parsed;
 *  - the match runs through `vm.Script#runInContext` with a {@link REGEX_TIMEOUT_MS} timeout: V8's watchdog
 *    interrupts a runaway regexp (irregexp checks for interrupts while backtracking), so a catastrophic
 *    pattern fails the probe ("regex took longer than 50 ms") instead of stalling the worker's event loop.
 * We chose this over RE2 (a native addon, and a different regex dialect users would trip over) and over V8's
 * linear engine (`--enable-experimental-regexp-engine`, a process-wide flag). The per-match overhead is
 * ~0.1 ms, paid only by monitors that use a regex.
 */
export const REGEX_TIMEOUT_MS = 50;
export const MAX_REGEX_LENGTH = 512;
export const REGEX_FLAGS = /^(?!.*(.).*\1)[imsu]*$/;

let regexContext: vm.Context | undefined;
const regexScript = new vm.Script("__re.test(__text)");

export function compileRegex(pattern: string, flags = ""): RegExp {
  return new RegExp(pattern, flags);
}

/** Runs `re.test(text)` under a wall-clock limit; throws RegexTimeoutError when it is exceeded. */
export function testRegexBounded(re: RegExp, text: string, timeoutMs = REGEX_TIMEOUT_MS): boolean {
  regexContext ??= vm.createContext({});
  regexContext.__re = re;
  regexContext.__text = text;
  try {
    return regexScript.runInContext(regexContext, { timeout: timeoutMs }) === true;
  } catch (err) {
    if ((err as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new RegexTimeoutError(`regex took longer than ${timeoutMs} ms (catastrophic backtracking?)`);
    }
    throw err;
  } finally {
    regexContext.__re = undefined;
    regexContext.__text = undefined;
  }
}

export class RegexTimeoutError extends Error {
  readonly code = "EREGEXTIMEOUT";
}

const quote = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

export function checkKeyword(
  text: string,
  keyword: string,
  opts: { absent: boolean; caseSensitive: boolean },
): string | undefined {
  const found = opts.caseSensitive ? text.includes(keyword) : text.toLowerCase().includes(keyword.toLowerCase());
  if (opts.absent && found) return `keyword ${quote(keyword)} found in the response`;
  if (!opts.absent && !found) return `keyword ${quote(keyword)} not found in the response`;
  return undefined;
}

export function checkRegex(text: string, re: RegExp, opts: { absent: boolean }): string | undefined {
  const found = testRegexBounded(re, text);
  if (opts.absent && found) return `regex /${re.source.slice(0, 60)}/ matched the response`;
  if (!opts.absent && !found) return `regex /${re.source.slice(0, 60)}/ did not match the response`;
  return undefined;
}

// ---- JSON path ----------------------------------------------------------------------------------------

/**
 * A minimal JSON path: `$` (optional) followed by `.name`, `[index]` or `['name']` / `["name"]` steps,
 * e.g. `$.status`, `data.items[0].state`, `$["content-type"][2]`. No wildcards, filters, recursion or script
 * expressions — nothing is ever evaluated, and only own properties are read (`__proto__`, `constructor`
 * are just keys). Written here rather than pulling in a JSONPath library whose full syntax we would have
 * to sandbox.
 */
export type JsonPathStep = string | number;

export const MAX_JSON_PATH_LENGTH = 256;
const MAX_STEPS = 32;
const IDENT = /^[A-Za-z_$][\w$-]*/;

export function parseJsonPath(path: string): JsonPathStep[] {
  if (path.length === 0) throw new Error("JSON path is empty");
  if (path.length > MAX_JSON_PATH_LENGTH) throw new Error(`JSON path is longer than ${MAX_JSON_PATH_LENGTH}`);
  const steps: JsonPathStep[] = [];
  let i = 0;
  if (path[0] === "$") i = 1;
  else {
    const m = IDENT.exec(path);
    if (!m) throw new Error(`JSON path must start with $ or a name (at 0)`);
    steps.push(m[0]);
    i = m[0].length;
  }
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      const m = IDENT.exec(path.slice(i + 1));
      if (!m) throw new Error(`expected a name after "." (at ${i + 1})`);
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = path.slice(i + 1);
      const num = /^(\d{1,9})\]/.exec(rest);
      if (num?.[1] !== undefined) {
        steps.push(Number(num[1]));
        i += 1 + num[0].length;
        continue;
      }
      const q = rest[0];
      if (q !== "'" && q !== '"') throw new Error(`expected an index or a quoted name after "[" (at ${i + 1})`);
      let j = 1;
      let name = "";
      for (;;) {
        const ch = rest[j];
        if (ch === undefined) throw new Error(`unterminated quoted name (at ${i + 1})`);
        if (ch === "\\") {
          const next = rest[j + 1];
          if (next === undefined) throw new Error(`unterminated quoted name (at ${i + 1})`);
          name += next;
          j += 2;
        } else if (ch === q) break;
        else {
          name += ch;
          j++;
        }
      }
      if (rest[j + 1] !== "]") throw new Error(`expected "]" (at ${i + 2 + j})`);
      steps.push(name);
      i += j + 3;
    } else throw new Error(`unexpected ${JSON.stringify(c)} (at ${i})`);
    if (steps.length > MAX_STEPS) throw new Error(`JSON path has more than ${MAX_STEPS} steps`);
  }
  return steps;
}

/** The value at `steps`, or `undefined` when any step is missing. */
export function selectJsonPath(root: unknown, steps: readonly JsonPathStep[]): unknown {
  let cur: unknown = root;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(cur) || step >= cur.length) return undefined;
      cur = cur[step];
    } else {
      if (typeof cur !== "object" || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

export const JSON_PATH_OPS = ["exists", "eq", "ne", "lt", "le", "gt", "ge", "contains"] as const;
export type JsonPathOp = (typeof JSON_PATH_OPS)[number];

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** A scalar as the text a user would type to compare it: strings as-is, others as JSON ("42", "true", "null"). */
const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * Compares the selected value with `expected` (always given as text, as a form would):
 *  - exists: the path is present (any value, null included);
 *  - eq / ne: numbers compare numerically when both sides are numbers, everything else as text
 *    (strings as-is, true/false/null as their JSON spelling; objects/arrays as compact JSON);
 *  - lt / le / gt / ge: both sides must be numbers (a numeric string counts);
 *  - contains: a string contains the text, or an array has an element equal (eq) to it.
 */
export function checkJsonPath(
  body: string,
  path: string,
  op: JsonPathOp,
  expected: string | undefined,
): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return "response is not valid JSON";
  }
  const value = selectJsonPath(doc, parseJsonPath(path));
  if (value === undefined) return `JSON path ${path} not found`;
  if (op === "exists") return undefined;
  const want = expected ?? "";
  const eq = (v: unknown) => {
    const a = asNumber(v);
    const b = asNumber(want);
    return typeof v === "number" && a !== undefined && b !== undefined ? a === b : asText(v) === want;
  };
  // Never the value itself: the body is the server's, and a probe does not copy it (docs/security/probes.md).
  const fail = () => `JSON path ${path} did not satisfy ${op} ${show(want)}`;
  switch (op) {
    case "eq":
      return eq(value) ? undefined : fail();
    case "ne":
      return eq(value) ? fail() : undefined;
    case "contains":
      if (typeof value === "string") return value.includes(want) ? undefined : fail();
      if (Array.isArray(value)) return value.some(eq) ? undefined : fail();
      return `JSON path ${path} is not a string or an array`;
    default: {
      const a = asNumber(value);
      const b = asNumber(want);
      if (a === undefined) return `JSON path ${path} is not a number`;
      if (b === undefined) return `expected value ${show(want)} is not a number`;
      const holds = op === "lt" ? a < b : op === "le" ? a <= b : op === "gt" ? a > b : a >= b;
      return holds ? undefined : fail();
    }
  }
}

import { z } from "zod";

/**
 * The one string schema for free text at every boundary (tRPC inputs, forms). PostgreSQL refuses NUL in
 * `text` and `jsonb` (it used to surface as HTTP 500), and control characters have no business in names,
 * search terms, tags or filter values: they are refused here with a clear message (HTTP 400) instead.
 *  - SingleLineText: no C0/C1 control character at all (no NUL, tab, CR, LF, ESC, DEL …), no U+2028/9.
 *  - MultiLineText: the same, except line feed and tab; CRLF / CR are normalised to LF first.
 * Both trim, and both refuse lone UTF-16 surrogates (not representable in UTF-8).
 */

// C0 controls, DEL and C1 controls, the Unicode line/paragraph separators, and unpaired surrogates.
// With the `u` flag a valid surrogate pair is one code point, so [\uD800-\uDFFF] matches only lone halves.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uD800-\uDFFF]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const MULTILINE_FORBIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\uD800-\uDFFF]/u;

export interface TextOptions {
  /** Shown in messages ("Name cannot contain …"). */
  label?: string;
  /** Minimum length after trimming (default 0; 1 makes an empty value "… cannot be empty"). */
  min?: number;
  max: number;
}

/** True when `value` holds a character SingleLineText refuses. */
export function hasControlCharacters(value: string): boolean {
  return CONTROL_OR_LONE_SURROGATE.test(value);
}

/** True when `value` holds a NUL character anywhere (PostgreSQL cannot store it in text or jsonb). */
export function hasNulCharacter(value: string): boolean {
  return value.includes("\u0000");
}

function bounded(schema: z.ZodString, label: string, { min = 0, max }: TextOptions): z.ZodString {
  let s = schema;
  if (min > 0) s = s.min(min, min === 1 ? `${label} cannot be empty` : `${label} needs at least ${min} characters`);
  return s.max(max, `${label} is at most ${max} characters`);
}

/** One line of text: names, search terms, filter values. */
export function SingleLineText(opts: TextOptions): z.ZodString {
  const label = opts.label ?? "Text";
  return bounded(
    z
      .string()
      .trim()
      .refine(
        (v) => !CONTROL_OR_LONE_SURROGATE.test(v),
        `${label} cannot contain control characters (such as NUL, tabs or line breaks)`,
      ),
    label,
    opts,
  );
}

/** Several lines of text (notes, reasons): line feeds and tabs allowed, other control characters not. */
export function MultiLineText(opts: TextOptions): z.ZodString {
  const label = opts.label ?? "Text";
  return bounded(
    z
      .string()
      .overwrite((v) => v.replace(/\r\n?/g, "\n"))
      .trim()
      .refine(
        (v) => !MULTILINE_FORBIDDEN.test(v),
        `${label} cannot contain control characters other than line breaks and tabs (such as NUL)`,
      ),
    label,
    opts,
  );
}

/** Largest value of a PostgreSQL `bigint` (signed 64-bit). */
export const PG_BIGINT_MAX = 9_223_372_036_854_775_807n;

/** A positive `bigint` id carried as a decimal string (keyset cursors): 1 … 2^63−1. */
export function BigIntIdString(label = "Id") {
  return z
    .string()
    .regex(/^[1-9]\d{0,18}$/, `${label} must be a positive whole number`)
    .refine((v) => !/^\d+$/.test(v) || BigInt(v) <= PG_BIGINT_MAX, `${label} is out of range`);
}

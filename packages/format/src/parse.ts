/** Schema validation with FormatError: the one place zod issues become messages naming file and field. */
import type { z } from 'zod';
import { FormatError } from './errors.ts';

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.length ? issue.path.map(String).join('.') : '(root)';
}

/**
 * Validates `json` against `schema` and returns the parsed value.
 * @throws FormatError naming `file` and every wrong field (the first in `field`).
 */
export function parseWith<S extends z.ZodType>(schema: S, json: unknown, file: string, hint?: string): z.output<S> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${fieldOf(i)}: ${i.message}`);
  throw new FormatError(file, fieldOf(r.error.issues[0]), issues, hint);
}

/**
 * JSON text (or UTF-8 bytes) -> value.
 * @throws FormatError with field `(root)` when the text is not JSON.
 */
export function parseJsonText(text: string | Uint8Array, file: string): unknown {
  const s = typeof text === 'string' ? text : new TextDecoder().decode(text);
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new FormatError(file, '(root)', [`(root): not valid JSON (${(e as Error).message})`]);
  }
}

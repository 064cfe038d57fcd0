/**
 * Bounds a JSON text's shape before it is parsed: nesting depth and array lengths, in one pass over the
 * characters that builds nothing. JSON.parse of a 4 MiB body nested a million levels deep, or holding
 * a million-element array, blocks the event loop for about a second and allocates hundreds of MB
 * (measured on main, issue 21); this scan stops at the first bracket past the depth or the first
 * element past the length, after a few characters in both cases.
 *
 * Strings are skipped (with their escapes), so brackets and commas inside them do not count. The text
 * is not validated otherwise: JSON.parse does that afterwards, on a text known to be small in shape.
 */
export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects (the top level is depth 1). */
  maxDepth: number;
  /** Most elements in one array. */
  maxArrayLength: number;
}

export interface JsonShapeViolation {
  kind: 'depth' | 'array_length';
  /** Character offset where the limit was crossed. */
  offset: number;
  limit: number;
}

/** The first place `text` exceeds `limits`, or null when it stays within them. O(length), no allocation. */
export function checkJsonShape(text: string, limits: JsonShapeLimits): JsonShapeViolation | null {
  // Per open bracket: -1 for an object, else the array's element count so far (an empty array: 0 until a value starts).
  const counts = new Int32Array(Math.min(limits.maxDepth, 1 << 16) + 1);
  let depth = 0;
  let sawValue = false; // in the innermost array: whether the current element has started
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      if (!sawValue && depth > 0 && counts[depth - 1] >= 0) {
        if (++counts[depth - 1] > limits.maxArrayLength) return { kind: 'array_length', offset: i, limit: limits.maxArrayLength };
      }
      for (i++; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) break;
      }
      sawValue = true;
      continue;
    }
    if (ch === 0x5b /* [ */ || ch === 0x7b /* { */) {
      if (depth > 0 && counts[depth - 1] >= 0 && !sawValue) {
        if (++counts[depth - 1] > limits.maxArrayLength) return { kind: 'array_length', offset: i, limit: limits.maxArrayLength };
      }
      if (depth >= limits.maxDepth) return { kind: 'depth', offset: i, limit: limits.maxDepth };
      counts[depth++] = ch === 0x5b ? 0 : -1;
      sawValue = false;
      continue;
    }
    if (ch === 0x5d /* ] */ || ch === 0x7d /* } */) {
      if (depth > 0) depth--;
      sawValue = true;
      continue;
    }
    if (ch === 0x2c /* , */) {
      sawValue = false;
      continue;
    }
    if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0x3a /* : */) continue;
    // The first character of a number, true, false or null.
    if (!sawValue && depth > 0 && counts[depth - 1] >= 0) {
      if (++counts[depth - 1] > limits.maxArrayLength) return { kind: 'array_length', offset: i, limit: limits.maxArrayLength };
    }
    sawValue = true;
  }
  return null;
}

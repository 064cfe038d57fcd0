import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkJsonShape } from './json-shape.ts';

/** The same measures computed on the parsed value, as the reference. */
function measure(v: unknown, depth = 1): { depth: number; longest: number } {
  if (Array.isArray(v)) {
    const inner = v.map((x) => measure(x, depth + 1));
    return { depth: Math.max(depth, ...inner.map((m) => m.depth)), longest: Math.max(v.length, ...inner.map((m) => m.longest)) };
  }
  if (v !== null && typeof v === 'object') {
    const inner = Object.values(v).map((x) => measure(x, depth + 1));
    return { depth: Math.max(depth, ...inner.map((m) => m.depth)), longest: Math.max(0, ...inner.map((m) => m.longest)) };
  }
  return { depth: depth - 1, longest: 0 };
}

test('agrees with the parsed value on depth and array lengths (fast-check, strings with brackets and escapes included)', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 12 }), (value, maxDepth, maxArrayLength) => {
      const text = JSON.stringify(value, null, Math.random() < 0.5 ? 1 : undefined);
      const m = measure(value);
      const ok = m.depth <= maxDepth && m.longest <= maxArrayLength;
      assert.equal(checkJsonShape(text, { maxDepth, maxArrayLength }) === null, ok, `${text} depth ${m.depth} longest ${m.longest}`);
    }),
    { numRuns: 3000 },
  );
});

test('a 4 MiB nested body is refused after a few characters, in well under a millisecond', () => {
  const deep = '['.repeat(4 * 2 ** 20);
  const t0 = performance.now();
  assert.deepEqual(checkJsonShape(deep, { maxDepth: 16, maxArrayLength: 4096 }), { kind: 'depth', offset: 16, limit: 16 });
  const long = `[${'0,'.repeat(2 ** 21)}0]`;
  assert.deepEqual(checkJsonShape(long, { maxDepth: 16, maxArrayLength: 4096 })?.kind, 'array_length');
  assert.ok(performance.now() - t0 < 50);
});

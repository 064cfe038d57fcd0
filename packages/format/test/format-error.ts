/** Test helper: runs `f`, asserts it throws a FormatError, and returns it for the caller to inspect. */
import assert from 'node:assert/strict';
import { FormatError } from '../src/index.ts';

export function formatError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${String(e)}`);
    return e;
  }
  assert.fail('no error thrown');
}

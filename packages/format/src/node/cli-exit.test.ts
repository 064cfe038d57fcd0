import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { reportCliError, isInputError, EXIT_OK, EXIT_INTERNAL, EXIT_USAGE } from './cli-exit.ts';

class SomeInputError extends Error {
  readonly code = 'LATENTKIT_SOMETHING';
}

function captured(fn: () => number): { code: number; stderr: string } {
  const original = console.error;
  let stderr = '';
  console.error = (...args: unknown[]) => void (stderr += args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ') + '\n');
  try {
    return { code: fn(), stderr };
  } finally {
    console.error = original;
  }
}

test('typed input errors (LATENTKIT_ codes, any package) exit 2 with the message alone', () => {
  assert.ok(isInputError(new SomeInputError('x')));
  assert.ok(!isInputError(Object.assign(new Error('x'), { code: 'ENOENT' })));
  const r = captured(() => reportCliError(new SomeInputError('No run at runs/x'), 'export', { usage: 'usage: export ...' }));
  assert.equal(r.code, EXIT_USAGE);
  assert.equal(r.stderr, 'export: No run at runs/x\nusage: export ...\n');
});

test("commander's own errors: 2 for a bad command line, 0 for --help (it printed them)", () => {
  const program = new Command('x').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }).option('--n <n>');
  const thrown = (argv: string[]) => {
    try {
      program.parse(argv, { from: 'user' });
    } catch (e) {
      return e;
    }
    throw new Error('commander did not throw');
  };
  assert.equal(captured(() => reportCliError(thrown(['--bogus']), 'x')).code, EXIT_USAGE);
  assert.deepEqual(captured(() => reportCliError(thrown(['--help']), 'x')), { code: EXIT_OK, stderr: '' });
});

test('anything else exits 1 with its stack; a caller may widen what counts as input', () => {
  const bug = captured(() => reportCliError(new TypeError('undefined is not a function'), 'x'));
  assert.equal(bug.code, EXIT_INTERNAL);
  assert.match(bug.stderr, /TypeError: undefined is not a function\n\s+at /);
  const listen = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
  assert.equal(captured(() => reportCliError(listen, 'demo', { isInputError: (e) => (e as { code?: string }).code === 'EADDRINUSE' })).code, EXIT_USAGE);
});

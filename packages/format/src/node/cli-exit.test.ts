import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { reportCliError, runCli, isInputError, EXIT_OK, EXIT_INTERNAL, EXIT_USAGE } from './cli-exit.ts';

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

test("runCli: 0 when the command returns; a throw goes through the mapping, a command's own statuses first", async () => {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    assert.equal(await runCli(async () => 'done', 'x'), EXIT_OK);
    assert.equal(await runCli(async () => { throw new SomeInputError('bad --n'); }, 'x'), EXIT_USAGE);
    class NotHere extends Error {}
    const exitCodeFor = (e: unknown) => (e instanceof NotHere ? (console.error(`x: ${e.message}`), 3) : undefined);
    assert.equal(await runCli(async () => { throw new NotHere('no route works here'); }, 'x', { exitCodeFor }), 3);
    assert.equal(await runCli(async () => { throw new SomeInputError('still mapped'); }, 'x', { exitCodeFor }), EXIT_USAGE);
  } finally {
    console.error = original;
  }
  assert.deepEqual(lines, ['x: bad --n', 'x: no route works here', 'x: still mapped']);
});

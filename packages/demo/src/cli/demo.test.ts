/**
 * `pnpm demo` as users run it, in child processes: bad command lines, run folders and precisions
 * exit 2 with the message and no stack trace, before any build starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./demo.ts', import.meta.url));

test('bad input exits 2 with the message on stderr and no stack trace', () => {
  const empty = mkdtempSync(join(tmpdir(), 'latentkit-demo-cli-'));
  try {
    const cases: [string[], RegExp][] = [
      [['--port', 'eighty'], /^demo: --port must be an integer 0\.\.65535, got "eighty"/m],
      [['--port', '70000'], /^demo: --port must be an integer 0\.\.65535, got "70000"/m],
      [['--bogus'], /^demo: Unknown option '--bogus'[\s\S]*usage: pnpm demo/m],
      [['--run', join(empty, 'nowhere')], /^demo: --run .*nowhere: no such folder\. Pass a run folder such as runs\/vae/m],
      [['--run', empty], /^demo: --run .*: no bundle found \(looked for .*manifest\.json/m],
      [['--precision', 'FP16'], /^demo: --precision FP16: not a precision name/m],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, INIT_CWD: empty } });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /^\s+at .+:\d+/m, `${args.join(' ')}: no stack trace`);
      assert.equal(r.stdout, '', args.join(' '));
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

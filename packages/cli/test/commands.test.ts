/** The bin from sources (as the root pnpm scripts run it): dispatch, usage, unknown commands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, usage } from '../src/commands.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx'); // from any cwd
const latentkit = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], { encoding: 'utf8' });

test('every command names a module its package exports', () => {
  for (const [name, c] of Object.entries(COMMANDS)) {
    assert.doesNotThrow(() => import.meta.resolve(c.module), `${name}: ${c.module}`);
  }
  assert.deepEqual(Object.keys(COMMANDS).sort(), ['demo', 'engine', 'export', 'serve', 'train']);
});

test('no command prints the usage with every command; an unknown one exits 2 with it', () => {
  const help = latentkit();
  assert.equal(help.status, 0);
  assert.equal(help.stdout, usage());
  const bad = latentkit('sereve');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command "sereve"/);
  assert.match(bad.stderr, /serve +serve a bundle/);
});

test("hands the rest of the command line to the package's CLI as its own (and drops a leading --)", () => {
  const help = latentkit('export', '--', '--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: export/);
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-cli-'));
  try {
    // the export CLI's own error for a missing run folder, and its exit status
    const r = spawnSync(process.execPath, ['--import', TSX, MAIN, 'export', '--run', 'runs/none'], { cwd: dir, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /runs\/none/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

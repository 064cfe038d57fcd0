/**
 * SIGTERM to the PID of `pnpm serve` / `pnpm start` (what `timeout`, process managers and CI runners
 * send) stops every process the command started: pnpm does not pass the signal on, so the latentkit
 * bin and scripts/start.mjs watch their parent (src/parent-watch.ts). Real pnpm, real processes.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from './processes.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let run: string;

before(() => {
  // A small real run, trained and exported by the commands a user runs, so `pnpm start` finds both
  // steps done and goes straight to serving.
  run = join(mkdtempSync(join(tmpdir(), 'latentkit-signals-')), 'vae');
  for (const args of [
    ['train', '--model', 'vae', '--epochs', '1', '--limit', '200', '--engine', 'wasm', '--workers', '1', '--out', run],
    ['export', '--run', run],
  ]) {
    const r = spawnSync('pnpm', args, { cwd: ROOT, encoding: 'utf8', env: process.env });
    assert.equal(r.status, 0, `pnpm ${args.join(' ')}: ${r.stderr.slice(-2000)}`);
  }
});

/** Live (not zombie) descendants of `pid`, as "pid cmdline", from /proc. */
function descendants(pid: number): string[] {
  const children = new Map<number, number[]>();
  const cmd = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(name)]);
      cmd.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim());
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out.map((p) => `${p} ${cmd.get(p)}`);
}

const alive = (entry: string) => {
  const pid = Number(entry.split(' ')[0]);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    return false;
  }
};

async function untilGone(started: string[], ms: number): Promise<string[]> {
  const t0 = Date.now();
  let left = started.filter(alive);
  while (left.length > 0 && Date.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, 200));
    left = left.filter(alive);
  }
  return left;
}

test('SIGTERM to the PID of `pnpm serve` drains the server and leaves no process', { timeout: 120_000 }, async () => {
  const p = start('pnpm', ['serve', '--run', join(run, 'bundle'), '--port', '0', '--device', 'cpu'], { cwd: ROOT, env: process.env });
  await p.waitFor(/listening on http:\/\/\S+/, 60_000);
  const started = descendants(p.child.pid!);
  assert.ok(started.some((s) => / serve /.test(s)), started.join('\n'));
  process.kill(p.child.pid!, 'SIGTERM'); // pnpm's own PID only, as `timeout` does
  assert.deepEqual(await untilGone(started, 20_000), []);
  assert.match(p.output(), /drained in \d+ ms; sessions released; bye/);
});

test('SIGTERM to the PID of `pnpm start` stops the API server and the explorer it started', { timeout: 120_000 }, async () => {
  const p = start('pnpm', ['start', '--run', run, '--api-port', '0', '--demo-port', '0'], { cwd: ROOT, env: process.env });
  await p.waitFor(/listening on http:\/\/\S+/, 60_000);
  let started = descendants(p.child.pid!);
  for (let t = 0; t < 50 && !started.some((s) => / demo /.test(s)); t++) {
    await new Promise((r) => setTimeout(r, 200));
    started = descendants(p.child.pid!);
  }
  assert.ok(started.some((s) => / serve /.test(s)) && started.some((s) => / demo /.test(s)), started.join('\n'));
  process.kill(p.child.pid!, 'SIGTERM');
  assert.deepEqual(await untilGone(started, 30_000), []);
});

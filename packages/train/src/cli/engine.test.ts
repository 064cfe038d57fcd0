/**
 * `pnpm engine native` as users run it, in child processes: option errors, the idempotent second
 * run, and a failed rebuild that must leave the working build in place (the native cases need a
 * provisioned engine; test-engines.ts skips them elsewhere, CI requires them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonCacheDir } from '../engine/native/paths.ts';
import { testEngines } from '../engine/test-engines.ts';

const CLI = fileURLToPath(new URL('./engine.ts', import.meta.url));
const native = testEngines().find((e) => e.engine === 'tfjs-node')!;

function runEngineCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('rejects an engine it cannot provision with exit status 2', async () => {
  const r = await runEngineCli(['webgpu']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: Unsupported engine "webgpu". Should be: native/m);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+/m, 'no stack trace');
});

test('unknown flags and bad option values exit 2 with commander\'s message and no stack trace', async () => {
  for (const [args, message] of [
    [['native', '--bogus'], /error: unknown option '--bogus'/],
    [['native', '--route', 'ftp'], /option '--route <route>' argument 'ftp' is invalid\. Allowed choices are stock, source/],
    [[], /error: missing required argument 'engine'/],
  ] as const) {
    const r = await runEngineCli([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+/m, 'no stack trace');
  }
});

test('a second run finds tfjs-node loading, does nothing, and says so with its time', { skip: native.skip }, async () => {
  const r = await runEngineCli(['native']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^engine native: ready in \d+\.\d s \((already loads, nothing to do|re-linked the cached build into node_modules)\): @tensorflow\/tfjs-node on TensorFlow \d+\.\d+\.\d+, \/\S+libtensorflow\S*\.so/);
});

test('a rebuild that fails leaves the working build untouched and no staging folder behind', { skip: native.skip }, async () => {
  const provenance = () => readFile(join(addonCacheDir(), 'provenance.json'), 'utf8');
  const before = await provenance();
  const empty = await mkdtemp(join(tmpdir(), 'latentkit-no-tf-'));
  try {
    const r = await runEngineCli(['native', '--rebuild', '--route', 'source'], { LATENTKIT_TF_PACKAGE_DIR: empty });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /source build against pip TensorFlow: not possible here .*LATENTKIT_TF_PACKAGE_DIR=.* lacks libtensorflow_cc\.so\.2/);
    assert.match(r.stderr, /the native engine could not be provisioned/);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
  assert.equal(await provenance(), before);
  const leftovers = (await readdir(dirname(addonCacheDir()))).filter((f) => f.includes('.stage-') || f.includes('.old-'));
  assert.deepEqual(leftovers, []);
  const again = await runEngineCli(['native']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already loads, nothing to do/);
});

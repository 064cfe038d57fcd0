/** The real server process over HTTP on 127.0.0.1: routes, sharp uploads, CLI errors (drain: drain.test.ts). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { makeBundle } from '../../test/fixtures.ts';
import { startServer, type RunningServer } from '../../test/server.ts';
import { decodePng } from '../common/png.ts';
import { SERVER_QUEUE_DEFAULTS } from './serve-node.ts';

let bundle: string;
let server: RunningServer;

before(async () => {
  bundle = await makeBundle({ kind: 'vae', seed: 3, attributes: ['Smiling'] });
  // No event-loop admission limit: a slow machine must not turn these one-at-a-time checks into 503s.
  server = await startServer(['--run', bundle, '--device', 'cpu', '--max-event-loop-delay-ms', '0']);
});
after(async () => {
  if (server.child.exitCode === null) await server.stop('SIGKILL');
});

test('serves sample, decode and the model description over HTTP', async () => {
  const r = await fetch(`${server.url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: 2, seed: 4 }), headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 200);
  const body = (await r.json()) as { seed: number; images: { shape: number[] } };
  assert.deepEqual(body.images.shape, [2, 32, 32, 1]);
  const png = await fetch(`${server.url}/v1/decode`, { method: 'POST', body: JSON.stringify({ z: [[0, 1]] }), headers: { accept: 'image/png' } });
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal((await decodePng(new Uint8Array(await png.arrayBuffer()))).width, 32);
  const info = (await (await fetch(`${server.url}/v1/model`)).json()) as { provider: string; microBatch: unknown };
  assert.equal(info.provider, 'cpu');
  assert.deepEqual(info.microBatch, SERVER_QUEUE_DEFAULTS);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /process_resident_memory_bytes \d+/);
  // The adaptive limit and its reference (0 before the first loaded window: a few requests here).
  assert.match(metrics, /^latentkit_admission_limit \d+$/m);
  assert.match(metrics, /^latentkit_admission_reference_seconds [\d.e-]+$/m);
});

test('the Node server reads JPEG uploads of any size through sharp (resized to the model)', async () => {
  const jpeg = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#8040c0' } }).jpeg().toBuffer();
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'x.jpg');
  const r = await fetch(`${server.url}/v1/encode`, { method: 'POST', body: form });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(((await r.json()) as { mean: number[][] }).mean[0].length, 2);
  const bad = await fetch(`${server.url}/v1/encode`, { method: 'POST', body: new Uint8Array(jpeg.subarray(0, 50)), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(bad.status, 422);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /could not be read as an image/);
});

function runCli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/http/serve-node.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('bad command lines exit 2 with the message and no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['--run', '/nonexistent/run'], /^serve: No bundle at \/nonexistent\/run/m],
    [['--port', 'http'], /port must be an integer from 0 to 65535/],
    [['--device', 'gpu0'], /option '--device <device>' argument 'gpu0' is invalid\. Allowed choices are/],
    [['--bogus'], /error: unknown option '--bogus'/],
    [['--run', bundle, '--device', 'cpu', '--port', new URL(server.url).port], /^serve: Cannot listen on 127\.0\.0\.1:\d+: the port is in use; pass another --port/m],
  ];
  // Asynchronous children: a spawnSync would block this process for seconds, long enough for the
  // server above to close this process's idle keep-alive connections unseen (a later fetch then fails).
  const runs = await Promise.all(cases.map(([args]) => runCli(args)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = runs[i]!;
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+/m, `${args.join(' ')}: no stack trace`);
  }
});

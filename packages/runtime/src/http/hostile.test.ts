/**
 * Hostile and careless clients against the real server process (issue 21): work is bounded before it
 * is done (a decompression bomb, a deeply nested or huge JSON body), every client of an oversized body
 * gets its 413, and a client that aborts mid-body is a 499 in /metrics, not a 500 with a stack.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import sharp from 'sharp';
import { makeBundle } from '../../test/fixtures.ts';
import { startServer, type RunningServer } from '../../test/server.ts';
import { zeroPng } from '../../test/zero-png.ts';

let server: RunningServer;
before(async () => {
  const bundle = await makeBundle({ kind: 'vae', seed: 21 });
  server = await startServer(['--run', bundle, '--device', 'cpu']);
});
after(async () => {
  assert.equal(await server.stop('SIGTERM'), 0, server.output());
});

const metric = async (re: RegExp) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
};

test('256 all-zero 4096x4096 PNGs in one multipart /v1/encode: a 413 naming the pixel limit in under 100 ms, nothing decoded', async () => {
  const bomb = zeroPng(4096);
  assert.deepEqual(await sharp(bomb).metadata().then((m) => [m.width, m.height]), [4096, 4096], 'a valid PNG');
  const form = new FormData();
  for (let i = 0; i < 256; i++) form.append(`f${i}`, new Blob([new Uint8Array(bomb)], { type: 'image/png' }), `${i}.png`);
  const encoded = new Response(form); // one encoding: its boundary is in the type
  const type = encoded.headers.get('content-type')!;
  const body = new Uint8Array(await encoded.arrayBuffer());
  assert.ok(body.length < 4 * 2 ** 20, `the bomb fits the body limit (${body.length} bytes)`);
  // A normal upload first, so the timing below is not the first request's warm-up.
  const small = new FormData();
  small.append('x', new Blob([new Uint8Array(await sharp({ create: { width: 28, height: 28, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer())], { type: 'image/png' }), 'x.png');
  assert.equal((await fetch(`${server.url}/v1/encode`, { method: 'POST', body: small })).status, 200);

  // Three times, the median timed: one answer can wait on a busy shared box for reasons of its own.
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await fetch(`${server.url}/v1/encode`, { method: 'POST', body, headers: { 'content-type': type } });
    const answer = (await r.json()) as { error: { code: string; message: string } };
    times.push(performance.now() - t0);
    assert.equal(r.status, 413, JSON.stringify(answer));
    assert.equal(answer.error.code, 'too_many_pixels');
    assert.match(answer.error.message, /33554432 pixels/);
  }
  const median = times.sort((a, b) => a - b)[1];
  assert.ok(median < 100, `answered in ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
  // Nothing was decoded: the server's time for all four uploads is far below one 4096x4096 decode per image.
  const seconds = await metric(/^http_request_duration_seconds_sum\{route="\/v1\/encode"\} ([\d.e-]+)$/gm);
  assert.ok(seconds < 1, `server time for /v1/encode: ${seconds} s`);
});

test('a 4 MiB deeply nested JSON body is a 400 at once, and four at a time do not hold up /healthz', async () => {
  const deep = '['.repeat(4 * 2 ** 20 - 16);
  const send = () => fetch(`${server.url}/v1/decode`, { method: 'POST', body: deep, headers: { 'content-type': 'application/json' } });
  const t0 = performance.now();
  const answers = Promise.all([send(), send(), send(), send()]);
  const health = await fetch(`${server.url}/healthz`);
  const healthMs = performance.now() - t0;
  for (const r of await answers) {
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'json_too_complex');
  }
  assert.equal(health.status, 200);
  assert.ok(healthMs < 1000, `/healthz answered after ${healthMs.toFixed(0)} ms`);
  const long = `{"z":[${'[0,0],'.repeat(300_000)}[0,0]]}`;
  const r = await fetch(`${server.url}/v1/decode`, { method: 'POST', body: long, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: { message: string } }).error.message, /array longer than 4096/);
});

test('5 and 10 MiB bodies reach a Node fetch client as a 413 every time (no EPIPE), and the connection stays usable', async () => {
  const outcomes: string[] = [];
  for (const mib of [5, 10]) {
    const body = new Uint8Array(mib * 2 ** 20).fill(0x20);
    for (let i = 0; i < 10; i++) {
      try {
        const r = await fetch(`${server.url}/v1/decode`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        outcomes.push(`${r.status} ${((await r.json()) as { error: { code: string } }).error.code}`);
      } catch (e) {
        outcomes.push(`${(e as Error).message}: ${String((e as { cause?: unknown }).cause)}`);
      }
    }
  }
  assert.deepEqual(outcomes, Array(20).fill('413 body_too_large'));
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
});

test('a client that aborts mid-body is counted as 499 in /metrics, with no stack in the log', async () => {
  const before499 = await metric(/^http_requests_total\{[^}]*status="499"\} (\d+)$/gm);
  const before500 = await metric(/^http_requests_total\{[^}]*status="500"\} (\d+)$/gm);
  const url = new URL(`${server.url}/v1/decode`);
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 100_000 } });
      req.on('error', () => resolve());
      req.write('{"z":[[0,0]');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
  }
  let count = 0;
  for (let t = 0; t < 50 && count < 3; t++) {
    await new Promise((r) => setTimeout(r, 50));
    count = (await metric(/^http_requests_total\{[^}]*status="499"\} (\d+)$/gm)) - before499;
  }
  assert.equal(count, 3);
  assert.equal(await metric(/^http_requests_total\{[^}]*status="500"\} (\d+)$/gm), before500);
  assert.doesNotMatch(server.output(), /unexpected error|\n\s+at /);
});

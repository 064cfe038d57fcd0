/**
 * Thousands of malformed requests: in-process through app.request(), then over HTTP against the real
 * server process. Every answer must be a 4xx JSON error, the process must stay up, memory flat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LatentModel } from '../node/index.ts';
import { createApp } from './app.ts';
import { sharpCodec } from '../node/images.ts';
import { encodePng } from '../common/png.ts';
import { makeBundle } from '../../test/fixtures.ts';
import { malformedRequest, type MalformedRequest } from '../../test/malformed.ts';
import { startServer } from '../../test/server.ts';

const validPng = await encodePng({ data: new Uint8Array(1024).fill(128), width: 32, height: 32, channels: 1 });
const bundle = await makeBundle({ kind: 'vae', seed: 6, attributes: ['Smiling'] });

async function check(res: Response, req: MalformedRequest): Promise<void> {
  const text = await res.text();
  assert.ok(res.status >= 400 && res.status < 500, `${req.why}: ${req.method} ${req.path} -> ${res.status} ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.ok(body.error.code && body.error.message, text);
}

const init = (r: MalformedRequest): RequestInit => ({ method: r.method, headers: r.headers, body: r.body as BodyInit | undefined });

test('in-process: 3,000 malformed requests all get 4xx JSON errors (pure-JS PNG codec and sharp codec)', async () => {
  const model = await LatentModel.load(bundle, { device: 'cpu' });
  for (const app of [createApp(model, { maxBodyBytes: 64 * 1024 }), createApp(model, { maxBodyBytes: 64 * 1024, imageCodec: sharpCodec() })]) {
    await fc.assert(
      fc.asyncProperty(malformedRequest(validPng), async (req) => check(await app.request(req.path, init(req)), req)),
      { numRuns: 1500, seed: 42, includeErrorInReport: true },
    );
  }
  await model.dispose();
});

test('over HTTP: 4,000 malformed requests to the real server; it stays up and its memory stays flat', async () => {
  // Admission control by event-loop delay off: on a busy machine it may answer 503 (correctly) to a
  // request that this test expects a 4xx for; overload has its own test (overload.test.ts).
  const server = await startServer(['--run', bundle, '--device', 'cpu', '--max-body', String(64 * 1024), '--max-event-loop-delay-ms', '0']);
  const memory = async () => {
    const m = await (await fetch(`${server.url}/metrics`)).text();
    return { rss: Number(m.match(/process_resident_memory_bytes (\d+)/)?.[1]), heap: Number(m.match(/nodejs_heap_used_bytes (\d+)/)?.[1]) };
  };
  try {
    // A transport error (reset, refused) says nothing by itself: name the request and show what the
    // server printed and whether it is still running.
    const send = async (req: MalformedRequest) => {
      let res: Response;
      try {
        res = await fetch(server.url + req.path, init(req));
      } catch (err) {
        const cause = (err as Error & { cause?: unknown }).cause;
        throw new Error(
          `${req.why}: ${req.method} ${req.path} failed in transport: ${String(err)} (${String(cause)}); ` +
            `server exit code ${server.child.exitCode}, its output:\n${server.output().slice(-2000)}`,
        );
      }
      await check(res, req);
    };
    // Warm-up round (measured: RSS climbs ~20 MiB over the first ~2,000 requests as allocator arenas,
    // libvips and undici caches fill, then wanders +-7 MiB), then the measured round.
    await fc.assert(fc.asyncProperty(malformedRequest(validPng), send), { numRuns: 2000, seed: 1, includeErrorInReport: true });
    const before = await memory();
    await fc.assert(fc.asyncProperty(malformedRequest(validPng), send), { numRuns: 2000, seed: 2, includeErrorInReport: true });
    const afterMem = await memory();
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal(server.child.exitCode, null);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /status="5\d\d"/);
    const grewMb = (afterMem.rss - before.rss) / 2 ** 20;
    console.log(`fuzz over HTTP: RSS ${(before.rss / 2 ** 20).toFixed(1)} -> ${(afterMem.rss / 2 ** 20).toFixed(1)} MiB, heap ${(before.heap / 2 ** 20).toFixed(1)} -> ${(afterMem.heap / 2 ** 20).toFixed(1)} MiB`);
    assert.ok(grewMb < 20, `RSS grew ${grewMb.toFixed(1)} MiB over 2,000 malformed requests after warm-up`);
  } finally {
    await server.stop('SIGTERM');
  }
});

/**
 * Admission control on the real server process: overloaded briefly, every answer is a 200 or a 503
 * with Retry-After and a JSON error, /metrics counts the 503s, and the server serves normally after.
 * (No timing assertions: latency under overload is measured by `pnpm bench`, bench/overload.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBundle } from '../../test/fixtures.ts';
import { startServer } from '../../test/server.ts';

test('overloaded, the server answers 200 or 503 + Retry-After at once, and counts the 503s in /metrics', async () => {
  const bundle = await makeBundle({ kind: 'vae', seed: 8 });
  // A small queue: at most 8 rows may wait, none expected to wait longer than 20 ms; each request brings 8 rows.
  const server = await startServer(['--run', bundle, '--device', 'cpu', '--max-batch', '16', '--max-queue-rows', '8', '--max-queue-wait-ms', '20']);
  try {
    const answers: { status: number; retryAfter: string | null; body: string }[] = [];
    for (let round = 0; round < 3; round++) {
      const burst = Array.from({ length: 48 }, async (_, k) => {
        const r = await fetch(`${server.url}/v1/sample`, {
          method: 'POST',
          body: JSON.stringify({ n: 8, seed: k }),
          headers: { 'content-type': 'application/json', accept: 'image/png' },
        });
        answers.push({ status: r.status, retryAfter: r.headers.get('retry-after'), body: r.status === 200 ? '' : await r.text() });
        if (r.status === 200) assert.equal((await r.arrayBuffer()).byteLength > 100, true);
      });
      await Promise.all(burst);
    }
    const refused = answers.filter((a) => a.status === 503);
    assert.deepEqual(answers.filter((a) => a.status !== 200 && a.status !== 503), []);
    assert.ok(refused.length > 0, 'the burst never overflowed the queue');
    assert.ok(answers.length - refused.length > 0, 'nothing was accepted');
    for (const a of refused) {
      assert.match(a.retryAfter ?? '', /^[1-9]\d*$/);
      const error = (JSON.parse(a.body) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'overloaded');
      assert.match(error.message, /at capacity/);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const count = (re: RegExp) => [...metrics.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
    assert.equal(count(/^latentkit_rejected_requests_total\{reason="(?:queue_full|queue_wait|event_loop_delay|admission_full|admission_timeout)"\} (\d+)$/gm), refused.length, metrics);
    assert.equal(count(/^http_requests_total\{method="POST",route="\/v1\/sample",status="503"\} (\d+)$/gm), refused.length);
    // Load gone, nothing refused: one request at a time is always taken.
    const after = await fetch(`${server.url}/v1/sample`, { method: 'POST', body: JSON.stringify({ n: 8 }), headers: { 'content-type': 'application/json' } });
    assert.equal(after.status, 200);
  } finally {
    assert.equal(await server.stop('SIGTERM'), 0, server.output());
  }
});

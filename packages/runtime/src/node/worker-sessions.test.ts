import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LatentModel, env } from './index.ts';
import { createWorkerSession, WorkerStoppedError } from './worker-sessions.ts';
import { ortSessionOptions } from '../common/ort-backend.ts';
import { makeBundle } from '../../test/fixtures.ts';

const pkg = fileURLToPath(new URL('../..', import.meta.url));

async function loadOn(thread: 'worker' | 'main', dir: string): Promise<LatentModel> {
  const before = env.sessionThread;
  env.sessionThread = thread;
  try {
    return await LatentModel.load(dir, { device: 'cpu' });
  } finally {
    env.sessionThread = before;
  }
}

/** Whether a run's promise settles before a setImmediate queued right after it starts. */
async function settlesBeforeNextImmediate(run: () => Promise<unknown>): Promise<boolean> {
  let settled = false;
  const done = run().then(() => (settled = true));
  const atImmediate = await new Promise<boolean>((resolve) => setImmediate(() => resolve(settled)));
  await done;
  return atImmediate;
}

test('a worker-thread session decodes and encodes what a main-thread session does', async () => {
  const dir = await makeBundle({ kind: 'vae', seed: 3 });
  const worker = await loadOn('worker', dir);
  const main = await loadOn('main', dir);
  try {
    const a = await worker.sample(5, { seed: 7 });
    const b = await main.sample(5, { seed: 7 });
    assert.deepEqual(a.images.shape, b.images.shape);
    let worst = 0;
    for (let i = 0; i < a.images.data.length; i++) worst = Math.max(worst, Math.abs(a.images.data[i] - b.images.data[i]));
    // Different intra-op thread counts may split a reduction differently: float32 rounding, no more.
    assert.ok(worst <= 1e-6, `worst difference ${worst}`);
    const za = await worker.encode(a.images);
    const zb = await main.encode(a.images);
    for (let i = 0; i < za.mean.data.length; i++) assert.ok(Math.abs(za.mean.data[i] - zb.mean.data[i]) <= 1e-5);
  } finally {
    await Promise.all([worker.dispose(), main.dispose()]);
  }
});

test('a run on the worker leaves the event loop free; on the main thread it holds it until done', async () => {
  const dir = await makeBundle({ kind: 'vae', seed: 3 });
  const worker = await loadOn('worker', dir);
  const main = await loadOn('main', dir);
  try {
    await worker.sample(1, { seed: 1 });
    await main.sample(1, { seed: 1 });
    // onnxruntime-node runs inside a setImmediate on the calling thread: the run is over (and its
    // promise settled) before the next immediate. On the worker the loop turns while it runs.
    assert.equal(await settlesBeforeNextImmediate(() => main.sample(64, { seed: 2 })), true);
    assert.equal(await settlesBeforeNextImmediate(() => worker.sample(64, { seed: 2 })), false);
  } finally {
    await Promise.all([worker.dispose(), main.dispose()]);
  }
});

test('onnxruntime errors from the worker keep their message, and a released session refuses to run', async () => {
  const bad = createWorkerSession(new Uint8Array([1, 2, 3, 4]), { provider: 'cpu' }, ortSessionOptions({ provider: 'cpu' }));
  await assert.rejects(bad, (e: Error) => !(e instanceof WorkerStoppedError) && /protobuf|parsing|model/i.test(e.message));
  const dir = await makeBundle({ kind: 'vae', seed: 3 });
  const model = await loadOn('worker', dir);
  await model.dispose();
  await assert.rejects(model.sample(1), /disposed|released/i);
});

test('a process that loaded a model on the worker and never disposed it still exits', async () => {
  const dir = await makeBundle({ kind: 'vae', seed: 3 });
  const script = `import('./src/node/index.ts').then(async (m) => { const lm = await m.LatentModel.load(${JSON.stringify(dir)}, { device: 'cpu' }); const r = await lm.sample(2, { seed: 1 }); console.log('sampled', r.images.shape.join('x')); })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: pkg, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.signal, null, `killed by the timeout: the worker kept the process alive\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sampled 2x32x32x1/);
});

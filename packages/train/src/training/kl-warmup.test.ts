/**
 * The training loop applies the spec's KL weight per epoch: beta x klWarmupWeight(epoch) on the KL
 * term of train and validation totals, while metrics keep the unweighted KL. A tiny spec model on a
 * tiny in-memory dataset, on wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelSpec } from '@latentkit/format';
import { Uint8ImageDataset } from '@latentkit/data';
import { initEngine } from '../engine/select.ts';
import { train } from './loop.ts';

function dataset(name: string, count: number, seed: number): Uint8ImageDataset {
  const pixels = new Uint8Array(count * 16 * 16);
  let s = seed;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return new Uint8ImageDataset({ name, source: 'test', pixels, storedShape: [16, 16, 1], imageShape: [16, 16, 1] });
}

test('a linear KL warm-up weights the KL by beta x 0, x 1/2, x 1 over three epochs; metrics keep the raw KL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-warmup-'));
  try {
    const engine = await initEngine('wasm', { log: () => {} });
    const spec = parseModelSpec({ type: 'vae', inputShape: [16, 16, 1], latentDim: 2, encoder: { filters: [4, 8] }, beta: 2, klWarmup: { schedule: 'linear', epochs: 2 } });
    const { history, manifest } = await train({
      model: spec, train: dataset('t', 32, 1), validation: dataset('v', 8, 2), outDir: dir, epochs: 3, batchSize: 16,
      engine, workers: 1, progress: 'quiet', log: () => {}, sampleCount: 2,
    });
    const weights = history.map((h) => [(h.train.total - h.train.reconstruction) / h.train.kl!, (h.val.total - h.val.reconstruction) / h.val.kl!]);
    weights.forEach(([t, v], i) => {
      assert.ok(Math.abs(t! - [0, 1, 2][i]!) < 1e-3, `epoch ${i + 1} train KL weight ${t}`);
      assert.ok(Math.abs(v! - [0, 1, 2][i]!) < 1e-3, `epoch ${i + 1} val KL weight ${v}`);
    });
    assert.ok(history.every((h) => h.train.kl! > 0));
    assert.deepEqual(manifest.spec.klWarmup, { schedule: 'linear', epochs: 2 });
    assert.equal(manifest.kind, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The training loop on the native engine compiles a conditional VAE's step (labels fed per batch,
 * training and validation) and trains it as the eager loop (`compile: false`) does: a tiny class-
 * labelled in-memory dataset, two epochs with a full and a partial batch each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelSpec } from '@latentkit/format';
import { Uint8ImageDataset } from '@latentkit/data';
import { initEngine } from '../engine/select.ts';
import { testEngines } from '../engine/test-engines.ts';
import { train } from './loop.ts';

const native = testEngines().find((e) => e.engine === 'tfjs-node')!;

/** `count` 16x16 grey images whose brightness follows their class (0..2), seeded. */
function dataset(name: string, count: number, seed: number): Uint8ImageDataset {
  const pixels = new Uint8Array(count * 16 * 16);
  const labels = Int32Array.from({ length: count }, (_, i) => (i * 5 + seed) % 3);
  let s = seed;
  for (let i = 0; i < pixels.length; i++) pixels[i] = 60 * labels[Math.floor(i / 256)]! + ((s = (s * 1103515245 + 12345) >>> 0) >>> 26);
  return new Uint8ImageDataset({ name, source: 'test', pixels, storedShape: [16, 16, 1], imageShape: [16, 16, 1], labels, labelNames: ['dark', 'mid', 'light'] });
}

test('a conditional VAE trains through the compiled step (labels fed per batch) with the eager loop\'s losses', { skip: native.skip }, async () => {
  const spec = parseModelSpec({
    type: 'vae', inputShape: [16, 16, 1], latentDim: 2, encoder: { filters: [4, 8] }, loss: { type: 'bce', scale: 50 },
    conditional: { classes: ['dark', 'mid', 'light'] },
  });
  const engine = await initEngine('tfjs-node', { log: () => {} });
  const runs = [];
  for (const compile of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'latentkit-compiled-loop-'));
    const logs: string[] = [];
    try {
      const { history } = await train({
        model: spec, train: dataset('t', 20, 1), validation: dataset('v', 10, 2), outDir: dir, epochs: 2, batchSize: 8,
        engine, compile, progress: 'quiet', log: (m) => logs.push(m), sampleCount: 3, tensorboard: false, report: false,
      });
      runs.push({ history, logs });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const [compiled, eager] = runs as [(typeof runs)[0], (typeof runs)[0]];
  assert.ok(compiled.logs.some((m) => /compiled step: one TensorFlow graph call per batch/.test(m)), compiled.logs.join('\n'));
  assert.ok(!eager.logs.some((m) => /compiled step/.test(m)), eager.logs.join('\n'));
  compiled.history.forEach((h, i) => {
    const e = eager.history[i]!;
    for (const [split, part] of [['train', 'total'], ['train', 'kl'], ['val', 'total'], ['val', 'reconstruction'], ['val', 'kl']] as const) {
      const a = h[split][part]!;
      const b = e[split][part]!;
      // compiled-step.test.ts's loss tolerance (measured here: ~4e-8 relative after two epochs).
      assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(b), `epoch ${i + 1} ${split} ${part}: compiled ${a}, eager ${b}`);
    }
  });
});

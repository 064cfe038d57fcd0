import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../engine/select.ts';
import { CheckpointError } from '../errors.ts';
import { testEngines } from '../engine/test-engines.ts';
import { buildModel } from '@latentkit/models';
import { Adam } from '@latentkit/models';
import { CHECKPOINT_FORMAT, readCheckpoint, writeCheckpoint, type CheckpointState } from '@latentkit/models';
import { batchNoise } from './noise.ts';
import { trainStep } from './step.ts';
import { allVariables } from './weights.ts';

for (const { engine, skip } of testEngines()) {
  describe(`checkpoints on ${engine}`, { skip }, () => {
    before(() => initEngine(engine, { log: () => {} }));

    test('a checkpoint restores weights, BN statistics and Adam state so training continues bit-identically', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'latentkit-ckpt-'));
      try {
        const pair = buildModel('faces-vae', { seed: 4, latentDim: 6 });
        const opt = new Adam({ learningRate: 5e-4 });
        const x = tf.randomUniform([4, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const eps = (step: number) => batchNoise(1, 0, 'train', step, 4, 6);
        trainStep(pair, opt, x, { eps: eps(0) });
        trainStep(pair, opt, x, { eps: eps(1) });
        const state: CheckpointState = {
          format: CHECKPOINT_FORMAT, spec: pair.spec, kind: 'faces-vae', latentDim: 6, imageShape: [64, 64, 3], epoch: 1, seed: 1,
          batchSize: 4, learningRate: 5e-4, beta: 2000, best: { epoch: 1, valLoss: 1 }, history: [],
        };
        await writeCheckpoint(join(dir, 'last'), { pair, optimizer: opt, state });
        await writeCheckpoint(join(dir, 'last'), { pair, optimizer: opt, state }); // replaces the folder
        assert.deepEqual((await readdir(dir)).sort(), ['last']); // no temporary or aside folders left
        const restored = await readCheckpoint(join(dir, 'last'));
        assert.equal(restored.optimizer.step, 2);
        assert.deepEqual(restored.state, state);

        const a = trainStep(pair, opt, x, { eps: eps(2) });
        const b = trainStep(restored.pair, restored.optimizer, x, { eps: eps(2) });
        assert.deepEqual(b, a);
        const wa = allVariables(pair);
        const wb = allVariables(restored.pair);
        assert.deepEqual([...wb.keys()], [...wa.keys()]);
        assert.ok([...wa.keys()].some((k) => k.endsWith('moving_variance')));
        for (const [k, v] of wa) assert.deepEqual(wb.get(k)!.dataSync(), v.dataSync(), k);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

test('readCheckpoint recovers the set-aside copy when a kill fell between the two renames', async () => {
  await initEngine('wasm', { log: () => {} });
  const dir = await mkdtemp(join(tmpdir(), 'latentkit-ckpt-'));
  try {
    const pair = buildModel('ae', { seed: 1 });
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT, spec: pair.spec, kind: 'ae', latentDim: 2, imageShape: [32, 32, 1], epoch: 3, seed: 1,
      batchSize: 8, learningRate: 1e-3, best: null, history: [],
    };
    await writeCheckpoint(join(dir, 'last'), { pair, optimizer: new Adam({ learningRate: 1e-3 }), state });
    const { rename } = await import('node:fs/promises');
    await rename(join(dir, 'last'), join(dir, '.last.old-123-abcd'));
    const got = await readCheckpoint(join(dir, 'last'));
    assert.equal(got.state.epoch, 3);
    await rm(join(dir, '.last.old-123-abcd'), { recursive: true });
    await assert.rejects(readCheckpoint(join(dir, 'last')), (e: Error) =>
      e instanceof CheckpointError && e.code === 'LATENTKIT_CHECKPOINT' && e.dir === join(dir, 'last') && /No checkpoint in .*last/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

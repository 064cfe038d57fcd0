/**
 * A run folder written by main before the model spec (format latentkit-run/1, checkpoint
 * latentkit-checkpoint/1) still resumes. testdata/run-v1-vae holds the text files of a real run that
 * code wrote (`pnpm train --model vae --limit 200 --epochs 1`, 2026-12-07): manifest.json,
 * metrics.jsonl, checkpoints/last/state.json, optimizer.json and both model.json files, verbatim.
 * Its binary files (4 MB of weights and Adam moments) are not committed: the test writes weights of
 * the same layout (the vae preset at the run's seed, whose byte layout the committed model.json
 * files must accept) and zero Adam moments. What is checked is the format path: the old state.json
 * and model.json load, the run continues at epoch 2, and the new manifest records the preset spec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESET_SPECS } from '@latentkit/format';
import { loadFashionMnist } from '@latentkit/data';
import { initEngine } from '../engine/select.ts';
import { buildModel } from '@latentkit/models';
import { saveModel } from '@latentkit/models';
import { CHECKPOINT_FORMAT, readCheckpoint } from '@latentkit/models';
import { train } from './loop.ts';

const FIXTURE = join(import.meta.dirname, 'testdata', 'run-v1-vae');

test('a format-1 run folder (run/1, checkpoint/1) resumes and is written back as format 2 with the preset spec', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-resume-v1-'));
  try {
    cpSync(FIXTURE, dir, { recursive: true });
    const last = join(dir, 'checkpoints', 'last');
    const oldState = JSON.parse(readFileSync(join(last, 'state.json'), 'utf8'));
    assert.equal(oldState.format, 'latentkit-checkpoint/1');
    assert.equal(oldState.kind, 'vae');
    const engine = await initEngine('wasm', { log: () => {} });
    // weights.bin of the committed model.json layout; model.json itself is kept as the old code wrote it.
    const pair = buildModel('vae', { seed: oldState.seed });
    const oldJson = (part: string) => readFileSync(join(last, part, 'model.json'), 'utf8');
    const kept = { encoder: oldJson('encoder'), decoder: oldJson('decoder') };
    await saveModel(pair.encoder, join(last, 'encoder'));
    await saveModel(pair.decoder, join(last, 'decoder'));
    writeFileSync(join(last, 'encoder', 'model.json'), kept.encoder);
    writeFileSync(join(last, 'decoder', 'model.json'), kept.decoder);
    const opt = JSON.parse(readFileSync(join(last, 'optimizer.json'), 'utf8')) as { weights: { shape: number[] }[] };
    const bytes = opt.weights.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    writeFileSync(join(last, 'optimizer.bin'), new Uint8Array(bytes));
    rmSync(join(dir, 'manifest.json')); // a run killed after epoch 1 of 2 (the finished one's manifest is rewritten anyway)

    const restored = await readCheckpoint(last);
    assert.equal(restored.state.format, CHECKPOINT_FORMAT);
    assert.deepEqual(restored.state.spec, PRESET_SPECS.vae);
    assert.equal(restored.pair.kind, 'vae');
    assert.equal(restored.optimizer.step, 2);

    const trainData = await loadFashionMnist({ split: 'train', limit: 200 });
    const validation = await loadFashionMnist({ split: 'test', limit: 40 });
    const logs: string[] = [];
    const result = await train({
      model: 'vae', train: trainData, validation, outDir: dir, epochs: 2, batchSize: 100, seed: oldState.seed,
      resume: true, engine, workers: 1, progress: 'quiet', log: (m) => logs.push(m), sampleCount: 4,
    });
    assert.ok(logs.some((l) => /resuming .* after epoch 1 of 2/.test(l)), logs.join('\n'));
    assert.deepEqual(result.history.map((h) => h.epoch), [1, 2]);
    assert.deepEqual(result.history[0], oldState.history[0]); // epoch 1's metrics as the old code recorded them
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.format, 'latentkit-run/2');
    assert.equal(manifest.kind, 'vae');
    assert.deepEqual(manifest.spec, PRESET_SPECS.vae);
    assert.equal(JSON.parse(readFileSync(join(last, 'state.json'), 'utf8')).format, CHECKPOINT_FORMAT);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Keras pair -> tfjs run folder: the tfjs models hold the Keras weights (checked end to end: the run
 * folder is exported through the ordinary tfjs path and compared with Keras's outputs), and the
 * checkpoint is one `pnpm train --resume` reads (epoch 0, the book's batch and learning rate).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCheckpoint } from '@latentkit/models';
import { buildRunModel } from '../bundle/export-run.ts';
import { encodeModel } from '../proto/onnx-proto.ts';
import { maxAbsDiff, run } from '../testing/ort.ts';
import { KerasFileError } from './errors.ts';
import { writeKerasRunFolder } from './run-folder.ts';
import { FIXTURES, readExpected } from './testing.ts';

const expected = readExpected();
const root = mkdtempSync(join(tmpdir(), 'latentkit-keras-run-'));

describe('writeKerasRunFolder', () => {
  for (const kind of ['vae', 'faces-vae'] as const) {
    it(`${kind}: the run folder's tfjs models give Keras's outputs, and its checkpoint resumes at epoch 0`, async () => {
      const outDir = join(root, kind);
      const { manifest } = await writeKerasRunFolder({ encoder: join(FIXTURES, `${kind}-encoder.keras`), decoder: join(FIXTURES, `${kind}-decoder.h5`), outDir });
      assert.equal(manifest.kind, kind);
      const dec = expected.models[`${kind}-decoder`];
      const decoder = encodeModel(await buildRunModel(outDir, 'decoder'));
      const image = await run(decoder, { z: { data: dec.inputs.z.data, dims: dec.inputs.z.shape } });
      assert.ok(maxAbsDiff(image.image.data, dec.outputs[0].data) <= 1e-5, 'decoder');
      const enc = expected.models[`${kind}-encoder`];
      const encoder = encodeModel(await buildRunModel(outDir, 'encoder'));
      const zeros = new Float32Array(enc.outputs[0].data.length);
      const z = await run(encoder, { image: { data: enc.inputs.image.data, dims: enc.inputs.image.shape }, epsilon: { data: zeros, dims: enc.outputs[0].shape } });
      assert.ok(maxAbsDiff(z.z_mean.data, enc.outputs[0].data) <= 1e-5, 'z_mean');
      assert.ok(maxAbsDiff(z.z_log_var.data, enc.outputs[1].data) <= 1e-5, 'z_log_var');

      const checkpoint = await readCheckpoint(join(outDir, 'checkpoints', 'last'));
      assert.equal(checkpoint.state.epoch, 0);
      assert.equal(checkpoint.state.batchSize, kind === 'vae' ? 100 : 128);
      assert.equal(checkpoint.state.seed, 42);
      checkpoint.pair.encoder.dispose();
      checkpoint.pair.decoder.dispose();
    });
  }

  it('refuses a pair that is not the book model of its kind, and a non-empty folder', async () => {
    await assert.rejects(
      writeKerasRunFolder({ encoder: join(FIXTURES, 'ae-encoder.keras'), decoder: join(FIXTURES, 'ae-decoder.keras'), outDir: join(root, 'x'), kind: 'vae' }),
      (err: unknown) => err instanceof KerasFileError && /a vae encoder has 2 or 3 outputs/.test(err.message),
    );
    await assert.rejects(
      writeKerasRunFolder({ encoder: join(FIXTURES, 'vae-encoder.keras'), decoder: join(FIXTURES, 'vae-decoder.keras'), outDir: join(root, 'vae') }),
      /already holds files/,
    );
  });
});

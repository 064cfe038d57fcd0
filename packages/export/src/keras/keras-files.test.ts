/**
 * The book's models saved by Keras 3.15 (test/keras-fixtures/, see make_fixtures.py), read from
 * `.keras` and from legacy `.h5`, exported to ONNX, run in onnxruntime-node and compared with
 * Keras's own outputs on the same inputs; every exported file goes through the ONNX checker.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { exportModel } from '../export-model.ts';
import { decodeModel } from '../proto/onnx-proto.ts';
import { CheckerBatch } from '../testing/onnx-checker.ts';
import { maxAbsDiff, run } from '../testing/ort.ts';
import { loadKerasWeights } from './arch.ts';
import { loadKerasModel } from './load.ts';
import { FIXTURES, readExpected, type FixtureCase } from './testing.ts';

const TOLERANCE = 1e-5;
const expected = readExpected();
const checker = new CheckerBatch();

/** Run the exported model on the fixture's input and compare every deterministic output. */
async function assertMatchesKeras(bytes: Uint8Array, c: FixtureCase, label: string, role: 'encoder' | 'decoder' | undefined): Promise<number> {
  const [input] = Object.values(c.inputs);
  const variational = c.outputs.length === 3; // [z_mean, z_log_var, z]; z is Keras's random draw
  const inputName = role === 'encoder' ? 'image' : role === 'decoder' ? 'z' : inputNames(bytes)[0];
  const ins: Record<string, { data: Float32Array; dims: number[] }> = { [inputName]: { data: input.data, dims: input.shape } };
  if (variational) ins.epsilon = { data: new Float32Array(c.outputs[0].data.length), dims: c.outputs[0].shape };
  const out = await run(bytes, ins);
  let worst = 0;
  const keys = decodeModel(bytes).graph.output.map((o) => o.name);
  for (let i = 0; i < (variational ? 2 : c.outputs.length); i++) {
    const got = out[keys[i]];
    assert.ok(got, `${label}: no output ${keys[i]} (have ${Object.keys(out).join(', ')})`);
    assert.deepEqual([...got.dims], c.outputs[i].shape, `${label}: output ${keys[i]} shape`);
    const d = maxAbsDiff(got.data, c.outputs[i].data);
    assert.ok(d <= TOLERANCE, `${label}: output ${keys[i]} differs from Keras by ${d} (> ${TOLERANCE})`);
    worst = Math.max(worst, d);
  }
  if (variational) {
    // epsilon = 0 gives z = z_mean exactly: the Sampling layer is there and wired to the noise input.
    assert.equal(maxAbsDiff(out[keys[2]].data, out[keys[0]].data), 0, `${label}: z with zero noise must equal z_mean`);
  }
  return worst;
}

describe('Keras files -> ONNX, against Keras outputs', () => {
  after(() => checker.assertAllValid('models exported from Keras files'));

  for (const stem of Object.keys(expected.models)) {
    const role = stem.endsWith('encoder') ? 'encoder' : 'decoder';
    for (const ext of ['keras', 'h5', 'keras2.h5']) {
      it(`${stem}.${ext} matches Keras to <= ${TOLERANCE}`, async (t) => {
        const file = join(FIXTURES, `${stem}.${ext}`);
        if (ext === 'keras2.h5' && stem !== 'vae-encoder') return t.skip('Keras 2 layout written for the VAE encoder only');
        const t0 = performance.now();
        const source = await loadKerasModel(file);
        const bytes = exportModel(source, { role });
        const ms = performance.now() - t0;
        assert.equal(source.info.kerasMajor, ext === 'keras2.h5' ? 2 : 3);
        checker.add(`${stem}.${ext}`, bytes);
        const worst = await assertMatchesKeras(bytes, expected.models[stem], `${stem}.${ext}`, role);
        t.diagnostic(`${stem}.${ext}: read + export ${ms.toFixed(0)} ms, max |onnx - keras| ${worst.toExponential(2)}`);
      });
    }
  }

  it('faces VAE: BatchNormalization is in inference form (moving statistics), folded into the convolutions', async () => {
    const bytes = exportModel(await loadKerasModel(join(FIXTURES, 'faces-vae-decoder.keras')), { role: 'decoder' });
    const ops = decodeModel(bytes).graph.node.map((n) => n.op_type);
    assert.ok(!ops.includes('BatchNormalization'), 'folded by default');
    const unfolded = exportModel(await loadKerasModel(join(FIXTURES, 'faces-vae-decoder.keras')), { role: 'decoder', foldBatchNorm: false });
    const unfoldedOps = decodeModel(unfolded).graph.node.map((n) => n.op_type);
    assert.equal(unfoldedOps.filter((o) => o === 'BatchNormalization').length, 6);
    checker.add('faces-vae-decoder-unfolded', unfolded);
    await assertMatchesKeras(unfolded, expected.models['faces-vae-decoder'], 'faces-vae-decoder (BN unfolded)', 'decoder');
  });

  it('weights-only .weights.h5 with the book architecture (vae-decoder) matches Keras', async () => {
    const source = await loadKerasWeights(join(FIXTURES, 'vae-decoder.weights.h5'), 'vae-decoder');
    const bytes = exportModel(source, { role: 'decoder' });
    checker.add('vae-decoder-weights-only', bytes);
    await assertMatchesKeras(bytes, expected.models['vae-decoder'], 'vae-decoder.weights.h5', 'decoder');
  });

  it('a weights file that does not fit the architecture is refused with the layer and shapes', async () => {
    await assert.rejects(loadKerasWeights(join(FIXTURES, 'vae-decoder.weights.h5'), 'faces-vae-decoder'), /does not fit the faces-vae-decoder architecture.*expects weights/);
  });

  for (const [stem, c] of Object.entries(expected.extras)) {
    if (stem === 'unknown-layer') continue;
    for (const ext of ['keras', 'h5', 'keras2.h5']) {
      it(`extras/${stem}.${ext} (Sequential, nested models, shared layers, custom Sampling) matches Keras`, async (t) => {
        if (ext === 'keras2.h5' && !['sequential', 'nested-shared', 'conv-bn'].includes(stem)) return t.skip('Keras 2 layout written for three extras only');
        const source = await loadKerasModel(join(FIXTURES, 'extras', `${stem}.${ext}`));
        const bytes = exportModel(source, {});
        checker.add(`extras-${stem}.${ext}`, bytes);
        await assertMatchesKeras(bytes, c, `extras/${stem}.${ext}`, undefined);
      });
    }
  }
});

/** Graph input names other than the Sampling noise (without a role they are Keras's layer names). */
function inputNames(bytes: Uint8Array): string[] {
  return decodeModel(bytes).graph.input.map((i) => i.name).filter((n) => n !== 'epsilon');
}

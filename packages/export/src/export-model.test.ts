/**
 * The three book models (Fashion AE, Fashion VAE, faces VAE; seeded random weights, faces BN
 * statistics perturbed) exported as encoder, decoder and vae, against tfjs: onnxruntime-node CPU
 * at batch 1, 7 and 64, opsets 13, 17 and 21, max abs error <= 1e-5 (fp32) and <= 1e-2 (fp16). The
 * optimisation switches (BN folding, Gemm) and the NCHW layout are checked for equality too, and
 * every exported file passes the ONNX checker.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel } from '@latentkit/models';
import type { ModelKind } from '@latentkit/format';
import { buildModelProto, exportModel } from './export-model.ts';
import { composeVae } from './model-source.ts';
import type { ExportOptions } from './options.ts';
import { randomizeBatchNorm } from './testing/fake-run.ts';
import { CheckerBatch } from './testing/onnx-checker.ts';
import { maxAbsDiff, normal, run, session, uniform } from './testing/ort.ts';

const BATCHES = [1, 7, 64];
const OPSETS = [13, 17, 21];
const FP32_TOL = 1e-5;
const FP16_TOL = 1e-2;
const checker = new CheckerBatch();

type Arr = Float32Array;
const rows = (a: Arr, batch: number, total = 64) => a.subarray(0, (a.length / total) * batch);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): number {
  const err = maxAbsDiff(actual, expected);
  assert.ok(err <= tol, `${what}: max abs error ${err} > ${tol}`);
  return err;
}

const worst: Record<string, number> = {};
const note = (key: string, err: number) => (worst[key] = Math.max(worst[key] ?? 0, err));

for (const kind of ['ae', 'vae', 'faces-vae'] as ModelKind[]) {
  describe(`${kind} book model`, async () => {
    await tf.setBackend('cpu');
    const pair = buildModel(kind, { seed: 11 });
    randomizeBatchNorm(pair.encoder, 3);
    randomizeBatchNorm(pair.decoder, 5);
    const [h, w, c] = pair.imageShape;
    const L = pair.latentDim;
    const variational = kind !== 'ae';
    const images = uniform(64 * h * w * c, 5);
    const latents = normal(64 * L, 6);
    const eps = normal(64 * L, 9);

    // tfjs references, at batch 64 once (inference is row-independent, so batch b = first b rows).
    const ref = tf.tidy(() => {
      const x = tf.tensor(images, [64, h, w, c]);
      const decoded = (pair.decoder.predict(tf.tensor(latents, [64, L])) as tf.Tensor).dataSync() as Arr;
      const enc = pair.encoder.predict(x);
      const encOut = (Array.isArray(enc) ? enc : [enc]).map((t) => t.dataSync() as Arr);
      const zMean = tf.tensor(encOut[0], [64, L]);
      const recon = (pair.decoder.predict(zMean) as tf.Tensor).dataSync() as Arr;
      return { decoded, encOut, recon };
    });
    const sampled = variational ? ref.encOut[0].map((m, i) => m + Math.exp(0.5 * ref.encOut[1][i]) * eps[i]) : undefined;

    const feedsImage = (batch: number, layout = 'nhwc') => {
      let data = rows(images, batch);
      let dims = [batch, h, w, c];
      if (layout === 'nchw') {
        data = tf.tidy(() => tf.transpose(tf.tensor(data, dims), [0, 3, 1, 2]).dataSync() as Arr);
        dims = [batch, c, h, w];
      }
      return { image: { data, dims } };
    };

    for (const opset of OPSETS) {
      test(`decoder, opset ${opset}: z -> image matches tfjs`, async () => {
        const bytes = exportModel(pair.decoder, { role: 'decoder', opset });
        checker.add(`${kind}-decoder-${opset}`, bytes);
        const s = await session(bytes);
        assert.deepEqual([s.inputNames, s.outputNames], [['z'], ['image']]);
        for (const batch of BATCHES) {
          const out = await run(s, { z: { data: rows(latents, batch), dims: [batch, L] } });
          assert.deepEqual(out.image.dims, [batch, h, w, c]);
          note(`${kind} decoder fp32`, assertClose(out.image.data, rows(ref.decoded, batch), FP32_TOL, `batch ${batch}`));
        }
      });

      test(`encoder, opset ${opset}: image -> ${variational ? 'z_mean, z_log_var, z' : 'z'} matches tfjs`, async () => {
        const bytes = exportModel(pair.encoder, { role: 'encoder', opset });
        checker.add(`${kind}-encoder-${opset}`, bytes);
        const s = await session(bytes);
        assert.deepEqual([s.inputNames, s.outputNames], [variational ? ['image', 'epsilon'] : ['image'], variational ? ['z_mean', 'z_log_var', 'z'] : ['z']]);
        for (const batch of BATCHES) {
          const out = await run(s, { ...feedsImage(batch), ...(variational ? { epsilon: { data: rows(eps, batch), dims: [batch, L] } } : {}) });
          if (!variational) {
            note(`${kind} encoder fp32`, assertClose(out.z.data, rows(ref.encOut[0], batch), FP32_TOL, `z, batch ${batch}`));
            continue;
          }
          note(`${kind} encoder fp32`, assertClose(out.z_mean.data, rows(ref.encOut[0], batch), FP32_TOL, `z_mean, batch ${batch}`));
          note(`${kind} encoder fp32`, assertClose(out.z_log_var.data, rows(ref.encOut[1], batch), FP32_TOL, `z_log_var, batch ${batch}`));
          const zeros = await run(s, { ...feedsImage(batch), epsilon: { data: new Float32Array(batch * L), dims: [batch, L] } });
          assert.deepEqual(zeros.z.data, zeros.z_mean.data, 'with zero epsilon, z is z_mean');
          const noisy = await run(s, { ...feedsImage(batch), epsilon: { data: rows(eps, batch), dims: [batch, L] } });
          assertClose(noisy.z.data, rows(sampled!, batch), FP32_TOL, `z with epsilon, batch ${batch}`);
        }
      });

      test(`vae, opset ${opset}: image -> reconstruction through z_mean matches tfjs`, async () => {
        const bytes = exportModel(composeVae(pair.encoder, pair.decoder), { role: 'vae', opset });
        checker.add(`${kind}-vae-${opset}`, bytes);
        const s = await session(bytes);
        assert.deepEqual([s.inputNames, s.outputNames], [['image'], variational ? ['reconstruction', 'z_mean', 'z_log_var'] : ['reconstruction', 'z']]);
        for (const batch of BATCHES) {
          const out = await run(s, feedsImage(batch));
          note(`${kind} vae fp32`, assertClose(out.reconstruction.data, rows(ref.recon, batch), FP32_TOL, `reconstruction, batch ${batch}`));
        }
      });
    }

    test('fp16 (opset 17): decoder, encoder and vae within 1e-2 of tfjs, float32 at the boundary', async () => {
      const opts: ExportOptions = { precision: 'fp16', opset: 17 };
      const dec = exportModel(pair.decoder, { ...opts, role: 'decoder' });
      const enc = exportModel(pair.encoder, { ...opts, role: 'encoder' });
      const vae = exportModel(composeVae(pair.encoder, pair.decoder), { ...opts, role: 'vae' });
      checker.add(`${kind}-decoder-fp16`, dec);
      checker.add(`${kind}-encoder-fp16`, enc);
      checker.add(`${kind}-vae-fp16`, vae);
      const fp32Size = exportModel(pair.decoder, { role: 'decoder' }).length;
      assert.ok(dec.length < fp32Size * 0.6, `fp16 decoder ${dec.length} bytes vs fp32 ${fp32Size}`);
      for (const batch of BATCHES) {
        const d = await run(dec, { z: { data: rows(latents, batch), dims: [batch, L] } });
        note(`${kind} decoder fp16`, assertClose(d.image.data, rows(ref.decoded, batch), FP16_TOL, `fp16 decoder, batch ${batch}`));
        const e = await run(enc, { ...feedsImage(batch), ...(variational ? { epsilon: { data: rows(eps, batch), dims: [batch, L] } } : {}) });
        note(`${kind} encoder fp16`, assertClose(e[variational ? 'z_mean' : 'z'].data, rows(ref.encOut[0], batch), FP16_TOL, `fp16 encoder, batch ${batch}`));
        const v = await run(vae, feedsImage(batch));
        note(`${kind} vae fp16`, assertClose(v.reconstruction.data, rows(ref.recon, batch), FP16_TOL, `fp16 vae, batch ${batch}`));
      }
    });

    test('nchw layout: same numbers, channels-first image tensors', async () => {
      const dec = exportModel(pair.decoder, { role: 'decoder', layout: 'nchw' });
      const enc = exportModel(pair.encoder, { role: 'encoder', layout: 'nchw' });
      checker.add(`${kind}-decoder-nchw`, dec);
      checker.add(`${kind}-encoder-nchw`, enc);
      const expected = tf.tidy(() => tf.transpose(tf.tensor(rows(ref.decoded, 7), [7, h, w, c]), [0, 3, 1, 2]).dataSync());
      const d = await run(dec, { z: { data: rows(latents, 7), dims: [7, L] } });
      assert.deepEqual(d.image.dims, [7, c, h, w]);
      assertClose(d.image.data, expected, FP32_TOL, 'nchw decoder');
      const e = await run(enc, { ...feedsImage(7, 'nchw'), ...(variational ? { epsilon: { data: rows(eps, 7), dims: [7, L] } } : {}) });
      assertClose(e[variational ? 'z_mean' : 'z'].data, rows(ref.encOut[0], 7), FP32_TOL, 'nchw encoder');
    });

    test('the graph transposes only at its boundary (Flatten/Reshape orders live in the Dense weights)', () => {
      const count = (bytes: ReturnType<typeof buildModelProto>) => bytes.graph.node.filter((n) => n.op_type === 'Transpose').length;
      assert.equal(count(buildModelProto(pair.decoder, { role: 'decoder' })), 1, 'decoder: image output only');
      assert.equal(count(buildModelProto(pair.encoder, { role: 'encoder' })), 1, 'encoder: image input only');
      assert.equal(count(buildModelProto(composeVae(pair.encoder, pair.decoder), { role: 'vae' })), 2, 'vae: input and output');
      assert.equal(count(buildModelProto(composeVae(pair.encoder, pair.decoder), { role: 'vae', layout: 'nchw' })), 0, 'vae, nchw: none');
    });

    test('switches: BN folding and Gemm off give the same numbers and the expected nodes', async () => {
      const variants: [string, ExportOptions][] = [
        ['default', {}],
        ['no BN folding', { foldBatchNorm: false }],
        ['no Gemm', { gemm: false }],
      ];
      for (const [label, opts] of variants) {
        const proto = buildModelProto(pair.decoder, { ...opts, role: 'decoder' });
        const ops = new Set(proto.graph.node.map((n) => n.op_type));
        if (kind === 'faces-vae') assert.equal(ops.has('BatchNormalization'), opts.foldBatchNorm === false, `${label}: BatchNormalization nodes`);
        assert.equal(ops.has('Gemm'), opts.gemm !== false, `${label}: Gemm nodes`);
        const bytes = exportModel(pair.decoder, { ...opts, role: 'decoder' });
        checker.add(`${kind}-decoder-${label}`, bytes);
        const d = await run(bytes, { z: { data: rows(latents, 7), dims: [7, L] } });
        note(`${kind} decoder ${label}`, assertClose(d.image.data, rows(ref.decoded, 7), FP32_TOL, label));
      }
    });
  });
}

after(() => {
  console.log(`# worst max abs errors vs tfjs: ${JSON.stringify(worst)}`);
  checker.assertAllValid('book-model files');
});

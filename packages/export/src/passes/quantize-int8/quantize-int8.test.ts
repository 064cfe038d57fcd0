/**
 * int8: the ConvTranspose -> Conv rewrite is exact; quantized decoders of the book models (seeded
 * weights, BN statistics perturbed) run on integer kernels in onnxruntime-node (checked in the graph
 * onnxruntime optimises), stay close to fp32, run in onnxruntime-web wasm too, and pass the ONNX
 * checker; `exportRun --precision int8` writes bundle-int8/ beside an untouched fp32 bundle/.
 * Speed and the accuracy targets on trained runs live in bench/int8.ts, not here.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ortWeb from 'onnxruntime-web';
import * as ort from 'onnxruntime-node';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel } from '@latentkit/models';
import type { ModelKind } from '@latentkit/format';
import { buildModelProto, exportModel } from '../../export-model.ts';
import { ExportError } from '../../errors.ts';
import { decodeModel, encodeModel } from '../../proto/onnx-proto.ts';
import { exportRun, type BundleManifest } from '../../bundle/export-run.ts';
import { randomizeBatchNorm, writeFakeRun } from '../../testing/fake-run.ts';
import { CheckerBatch } from '../../testing/onnx-checker.ts';
import { maxAbsDiff, normal, run, session } from '../../testing/ort.ts';
import { convTransposeToConv } from './conv-transpose-to-conv.ts';
import { quantizeInt8 } from './index.ts';

const checker = new CheckerBatch();
const tmp = mkdtempSync(join(tmpdir(), 'latentkit-int8-'));
after(() => {
  checker.assertAllValid('int8 exports');
  rmSync(tmp, { recursive: true, force: true });
});

function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10(1 / (se / a.length));
}

/** Op types of the graph onnxruntime-node actually runs (after its QDQ fusions). */
async function optimizedOps(bytes: Uint8Array, name: string): Promise<string[]> {
  const path = join(tmp, `${name}.optimized.onnx`);
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 3, optimizedModelFilePath: path });
  await s.release();
  return decodeModel(new Uint8Array(readFileSync(path))).graph.node.map((n) => n.op_type);
}

for (const kind of ['ae', 'vae', 'faces-vae'] as ModelKind[]) {
  describe(`${kind} decoder`, async () => {
    await tf.setBackend('cpu');
    const pair = buildModel(kind, { seed: 4 });
    randomizeBatchNorm(pair.decoder, 6);
    const L = pair.latentDim;
    const fp32 = buildModelProto(pair.decoder, { role: 'decoder' });
    const z = normal(32 * L, 11);
    const feeds = { z: { data: z, dims: [32, L] } };
    const reference = (await run(encodeModel(fp32), feeds)).image.data;

    test('ConvTranspose rewritten as Conv (+ NHWC interleave, phase-domain image layer) gives the same images', async () => {
      const rewritten = decodeModel(encodeModel(fp32));
      const n = convTransposeToConv(rewritten.graph);
      assert.ok(n >= 3, `rewrote ${n} ConvTranspose`);
      const ops = rewritten.graph.node.map((x) => x.op_type);
      // No ConvTranspose is left: the image layer (fewer than 8 output channels) is computed on the
      // last strided layer's phases, by Convs whose kernels Pad/Slice/Concat build from its own.
      assert.ok(!ops.includes('ConvTranspose'), ops.join(' '));
      assert.ok(ops.includes('Pad') && ops.includes('Add'), ops.join(' '));
      const err = maxAbsDiff((await run(encodeModel(rewritten), feeds)).image.data, reference);
      assert.ok(err <= 1e-5, `max abs error ${err}`);
      checker.add(`${kind}-decoder-rewritten`, encodeModel(rewritten));
    });

    test('int8: integer kernels in onnxruntime, >= 30 dB from fp32, same in wasm, smaller file', async () => {
      const calibration = [0, 1].map((s) => ({ z: { data: normal(64 * L, 100 + s), dims: [64, L] } }));
      const { model, report } = await quantizeInt8(fp32, calibration);
      const bytes = encodeModel(model);
      checker.add(`${kind}-decoder-int8`, bytes);
      assert.equal(model.metadata_props?.find((p) => p.key === 'precision')?.value, 'int8');
      assert.ok(report.quantizedNodes.length >= 4, report.quantizedNodes.join(', '));
      const ops = await optimizedOps(bytes, `${kind}-decoder`);
      assert.ok(ops.filter((o) => o === 'QLinearConv').length >= 3, ops.join(' '));
      // Every convolution runs on integer kernels, the image layer included, and the weight chains
      // are folded into initializers when the session is created.
      assert.ok(!ops.some((o) => /^(Conv|ConvTranspose|FusedConv|Pad)$/.test(o)), ops.join(' '));
      assert.ok(ops.includes('QGemm'), ops.join(' '));
      const int8 = (await run(bytes, feeds)).image;
      assert.deepEqual([...int8.dims], [32, ...pair.imageShape]);
      // Untrained weights with perturbed BN: a looser bound than the 35 dB trained target in the bench.
      const p = psnr(int8.data, reference);
      assert.ok(p >= 30, `PSNR ${p.toFixed(1)} dB`);
      assert.ok(encodeModel(fp32).length / bytes.length >= 3, `size ratio ${encodeModel(fp32).length / bytes.length}`);

      ortWeb.env.wasm.numThreads = 1;
      const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const w = (await web.run({ z: new ortWeb.Tensor('float32', z, [32, L]) })).image.data as Float32Array;
      await web.release();
      // wasm fuses and rounds on its own kernels (no NHWC pass): a few uint8 steps apart after 5 layers.
      const pw = psnr(w, reference);
      assert.ok(pw >= 30, `wasm PSNR ${pw.toFixed(1)} dB`);
      assert.ok(maxAbsDiff(w, int8.data) <= 0.05, `wasm vs node ${maxAbsDiff(w, int8.data)}`);
    });
  });
}

test('int8 is refused where it cannot work: exportModel without calibration, opset below 13', async () => {
  await tf.setBackend('cpu');
  const { decoder } = buildModel('vae', { seed: 1 });
  assert.throws(() => exportModel(decoder, { precision: 'int8' as 'fp32' }), (e: unknown) => e instanceof ExportError && /needs calibration inputs/.test((e as Error).message));
  const opset12 = buildModelProto(decoder, { role: 'decoder', opset: 12 });
  await assert.rejects(quantizeInt8(opset12, [{ z: { data: normal(4, 1), dims: [2, 2] } }]), /needs opset >= 13/);
  await assert.rejects(quantizeInt8(buildModelProto(decoder, { role: 'decoder' }), []), /at least one batch/);
});

for (const kind of ['vae', 'faces-vae'] as ModelKind[]) {
  test(`exportRun --precision int8 (${kind}): bundle-int8/ with precision int8, fp32 bundle/ untouched, models run`, async () => {
    const { dir } = await writeFakeRun(join(tmp, `run-${kind}`), { kind, seed: 2 });
    await exportRun(dir);
    const fp32Bytes = readFileSync(join(dir, 'bundle', 'decoder.onnx'));
    const result = await exportRun(dir, { precision: 'int8', calibration: { images: 16, priorSamples: 16, batchSize: 16 } });
    assert.equal(result.outDir, join(dir, 'bundle-int8'));
    const manifest = JSON.parse(readFileSync(join(dir, 'bundle-int8', 'manifest.json'), 'utf8')) as BundleManifest;
    assert.equal(manifest.onnx.precision, 'int8');
    assert.deepEqual(Object.keys(manifest.onnx.files).sort(), ['decoder', 'encoder', 'vae']);
    assert.deepEqual(readFileSync(join(dir, 'bundle', 'decoder.onnx')), fp32Bytes, 'the fp32 bundle is not rewritten');
    assert.equal(JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8')).onnx.precision, 'fp32');
    for (const file of readdirSync(join(dir, 'bundle-int8')).filter((f) => f.endsWith('.onnx'))) {
      const bytes = new Uint8Array(readFileSync(join(dir, 'bundle-int8', file)));
      checker.add(`${kind}-${file}`, bytes);
      const s = await session(bytes);
      assert.ok(s.inputNames.length >= 1);
      await s.release();
    }
    assert.ok(existsSync(join(dir, 'bundle-int8', 'decoder.onnx')));
  });
}

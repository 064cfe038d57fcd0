/**
 * An int8 bundle through the browser entry (onnxruntime-web wasm, run in Node): the bundle's bytes
 * load as a browser would pass them, and decoded images stay close to the fp32 bundle's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFakeRun } from '@latentkit/export/testing';
import { exportRun } from '@latentkit/export';
import { LatentModel, env } from './index.ts';

const files = (dir: string) => ({
  'manifest.json': readFileSync(join(dir, 'manifest.json'), 'utf8'),
  'decoder.onnx': new Uint8Array(readFileSync(join(dir, 'decoder.onnx'))),
  'encoder.onnx': new Uint8Array(readFileSync(join(dir, 'encoder.onnx'))),
});

test('web entry (wasm): an int8 bundle loads and decodes within 30 dB PSNR of the fp32 bundle', async () => {
  const root = mkdtempSync(join(tmpdir(), 'latentkit-int8-web-'));
  try {
    const run = join(root, 'runs', 'faces');
    await writeFakeRun(run, { kind: 'faces-vae', seed: 6 });
    const fp32Dir = (await exportRun(run, { models: ['encoder', 'decoder'] })).outDir;
    const int8Dir = (await exportRun(run, { precision: 'int8', models: ['encoder', 'decoder'], calibration: { images: 32, priorSamples: 32 } })).outDir;
    env.threads = 1;
    const [fp32, int8] = [await LatentModel.load(files(fp32Dir), { device: 'wasm' }), await LatentModel.load(files(int8Dir), { device: 'wasm' })];
    assert.equal(int8.provider, 'wasm');
    assert.equal(int8.manifest.onnx?.precision, 'int8');
    const [a, b] = [await fp32.sample(8, { seed: 2 }), await int8.sample(8, { seed: 2 })];
    assert.deepEqual(b.images.shape, [8, 64, 64, 3]);
    let se = 0;
    a.images.data.forEach((v, i) => (se += (v - b.images.data[i]) ** 2));
    const psnr = 10 * Math.log10(1 / (se / a.images.data.length));
    assert.ok(psnr >= 30, `int8 vs fp32 PSNR ${psnr.toFixed(1)} dB`);
    const { mean } = await int8.encode(b.images);
    assert.deepEqual(mean.shape, [8, 200]);
    await Promise.all([fp32.dispose(), int8.dispose()]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

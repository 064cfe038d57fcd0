/**
 * The browser entry, run in Node (onnxruntime-web resolves to its Node build of the same wasm):
 * it registers only onnxruntime-web, maps devices the browser way, loads in-memory bundles, and
 * refuses wasm settings changed after the first load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { LatentModel, env, registeredBackends } from './index.ts';
import { makeBundle } from '../../test/fixtures.ts';

test('web entry: wasm on auto and cpu, cuda refused, paths refused, settings frozen after the first load', async () => {
  assert.deepEqual(registeredBackends().map((b) => b.name), ['onnxruntime-web']);
  const dir = await makeBundle({ kind: 'vae', seed: 2 });
  const files = { 'manifest.json': await readFile(`${dir}/manifest.json`, 'utf8'), 'decoder.onnx': new Uint8Array(await readFile(`${dir}/decoder.onnx`)) };
  await assert.rejects(LatentModel.load(dir), /no file system here; pass a URL or the files' bytes/);
  await assert.rejects(LatentModel.load(files, { device: 'cuda' }), /Unsupported device "cuda" in the browser/);
  env.threads = 1;
  const m = await LatentModel.load(files, { device: 'auto' });
  assert.equal(m.provider, 'wasm');
  const cpu = await LatentModel.load(files, { device: 'cpu' });
  assert.equal(cpu.provider, 'wasm');
  const s = await m.sample(2, { seed: 3 });
  assert.deepEqual(s.images.shape, [2, 32, 32, 1]);
  env.wasmPaths = 'https://cdn.example/ort/';
  await assert.rejects(LatentModel.load(files), /changed after the first LatentModel.load\(\)/);
  env.wasmPaths = '';
  await Promise.all([m.dispose(), cpu.dispose()]);
});

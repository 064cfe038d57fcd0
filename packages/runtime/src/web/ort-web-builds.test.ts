/** Each provider maps to the one onnxruntime-web build that carries it, and nothing else loads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { ortWebBuildFor } from './ort-web-builds.ts';

test('wasm loads the CPU-only build; webgpu the JSPI build where JSPI exists, else asyncify', () => {
  assert.equal(ortWebBuildFor('wasm', true), 'wasm');
  assert.equal(ortWebBuildFor('wasm', false), 'wasm');
  assert.equal(ortWebBuildFor('webgpu', true), 'jspi');
  assert.equal(ortWebBuildFor('webgpu', false), 'webgpu');
  assert.throws(() => ortWebBuildFor('cuda'), /no build for execution provider "cuda". Should be one of: webgpu, wasm/);
});

test('the browser entry never imports the all-in-one onnxruntime-web entry (its JSEP wasm is 28 MB)', async () => {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    write: false,
    outdir: '/tmp/latentkit-web-builds',
    format: 'esm',
    platform: 'browser',
    splitting: true,
    metafile: true,
    logLevel: 'silent',
    external: ['onnxruntime-web', 'onnxruntime-web/*'],
  });
  const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => `${i.kind} ${i.path}`));
  const ort = imports.filter((i) => i.includes('onnxruntime-web')).sort();
  assert.deepEqual(ort, ['dynamic-import onnxruntime-web/jspi', 'dynamic-import onnxruntime-web/wasm', 'dynamic-import onnxruntime-web/webgpu']);
});

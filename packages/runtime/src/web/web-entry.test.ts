/**
 * The browser entry and the HTTP app bundle for the browser with nothing from Node: no node: modules,
 * no onnxruntime-node, no sharp (esbuild fails on a node: import under platform 'browser').
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = (p: string) => fileURLToPath(new URL(p, import.meta.url));

test('src/web/index.ts and src/http/app.ts bundle for browsers without Node modules', async () => {
  const r = await build({
    entryPoints: [entry('./index.ts'), entry('../http/app.ts')],
    bundle: true,
    write: false,
    outdir: '/tmp/latentkit-web-entry',
    format: 'esm',
    platform: 'browser',
    splitting: true,
    metafile: true,
    logLevel: 'silent',
    external: ['onnxruntime-web'],
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith('src/common/latent-model-impl.ts')));
  for (const banned of ['onnxruntime-node', 'sharp', 'src/node/', 'packages/train/', 'packages/export/']) {
    assert.ok(!inputs.some((i) => i.includes(banned)), `${banned} reached the browser bundle: ${inputs.filter((i) => i.includes(banned))}`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

test('the root entry bundles for a browser or workerd with no node: module and no Node global', async () => {
  const r = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.every((f) => !f.startsWith('node:') && !f.includes('/node/')), inputs.join('\n'));
  const code = r.outputFiles[0].text;
  assert.doesNotMatch(code, /\bprocess\.|\bBuffer\b|require\(/);
  // What is inside still works there: a manifest parses and the RNG draws.
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  assert.equal(mod.createRng(0)(), 1144304738 / 4294967296);
  assert.equal(mod.bundleFolderName('int8'), 'bundle-int8');
});

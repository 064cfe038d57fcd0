/**
 * Runs and bundles written by main before the model spec (format latentkit-run/1) still load: the
 * files in fixtures/run-v1/ are verbatim copies of what that code wrote (pnpm train --limit 200 /
 * --limit 128 for the faces, pnpm export, pnpm export --precision int8), 2026-12-07.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESET_SPECS, RUN_FORMAT, parseBundleManifest, parseRunManifest, upgradeManifestJson } from '../src/index.ts';

const dir = join(import.meta.dirname, 'fixtures', 'run-v1');
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), 'utf8'));

for (const kind of ['ae', 'vae', 'faces-vae'] as const) {
  test(`a format-1 ${kind} run manifest is upgraded on read to the ${kind} preset`, () => {
    const v1 = read(`${kind}.run.json`);
    assert.equal(v1.format, 'latentkit-run/1');
    const m = parseRunManifest(v1, `${kind}.run.json`);
    assert.equal(m.format, RUN_FORMAT);
    assert.equal(m.kind, kind);
    assert.deepEqual(m.spec, PRESET_SPECS[kind]);
    assert.equal(m.latentDim, v1.latentDim);
    assert.deepEqual(m.finalLosses, v1.finalLosses);
    assert.equal(m.beta, v1.beta);
  });
}

for (const file of ['ae.bundle.json', 'vae.bundle.json', 'faces-vae.bundle.json', 'faces-vae.bundle-int8.json']) {
  test(`a format-1 bundle manifest (${file}) is upgraded on read, onnx section kept`, () => {
    const v1 = read(file);
    const b = parseBundleManifest(v1, file);
    assert.equal(b.format, RUN_FORMAT);
    assert.deepEqual(b.spec, PRESET_SPECS[v1.kind as 'ae']);
    assert.deepEqual(b.onnx, v1.onnx);
  });
}

test('upgrading keeps a format-1 latent size and reconstruction weight in the spec', () => {
  const v1 = { ...read('vae.run.json'), latentDim: 16, beta: 250 };
  const m = parseRunManifest(v1);
  assert.equal(m.spec.latentDim, 16);
  assert.equal(m.spec.loss.scale, 250);
  assert.equal(m.spec.beta, 1);
});

test('a broken format-1 manifest is reported as format 1, naming the field', () => {
  assert.throws(() => parseRunManifest({ ...read('vae.run.json'), kind: 'gan' }, 'old/manifest.json'), /^FormatError: old\/manifest\.json: kind: Invalid option.*format-1 run folder/);
  assert.deepEqual(upgradeManifestJson([1]), [1]);
});

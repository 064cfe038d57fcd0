import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticFaces } from '@latentkit/train/data';
import { makeBundle } from '../../test/fixtures.ts';
import { LatentModel } from './index.ts';

test('attributes-cli writes unit vectors for a faces bundle from CelebA-format data, and the server can use them', async () => {
  const data = mkdtempSync(join(tmpdir(), 'latentkit-faces-'));
  try {
    await writeSyntheticFaces(data, { count: 96, seed: 1, size: 64 });
    const bundle = await makeBundle({ kind: 'faces-vae', seed: 2 });
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/node/attributes-cli.ts', '--run', bundle, '--data', data, '--attributes', 'Smiling,Male', '--batch-size', '32', '--device', 'cpu'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Smiling +(converged|data ran out) after \d+ batches/);
    const attrs = JSON.parse(readFileSync(join(bundle, 'attributes.json'), 'utf8')) as Record<string, number[]>;
    assert.deepEqual(Object.keys(attrs).sort(), ['Male', 'Smiling']);
    for (const v of Object.values(attrs)) {
      assert.equal(v.length, 200);
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
    }
    const model = await LatentModel.load(bundle, { device: 'cpu' });
    assert.deepEqual(Object.keys(model.attributes).sort(), ['Male', 'Smiling']);
    await model.dispose();
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'src/node/attributes-cli.ts', '--run', bundle, '--data', data, '--attributes', 'Wings'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Unknown attribute\(s\) Wings. The dataset has: .*Smiling/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

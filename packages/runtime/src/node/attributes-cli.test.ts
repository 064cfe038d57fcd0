import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticFaces } from '@latentkit/data';
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
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^attributes: Unknown label column\(s\) Wings. The dataset has: .*Smiling/m);
    assert.doesNotMatch(bad.stderr, /^\s+at .+:\d+/m, 'no stack trace');
    // A second run adds its vector and keeps the others as they were.
    const more = spawnSync(process.execPath, ['--import', 'tsx', 'src/node/attributes-cli.ts', '--run', bundle, '--data', data, '--attributes', 'Eyeglasses', '--batch-size', '32', '--device', 'cpu'], { encoding: 'utf8' });
    assert.equal(more.status, 0, more.stderr + more.stdout);
    const after = JSON.parse(readFileSync(join(bundle, 'attributes.json'), 'utf8')) as Record<string, number[]>;
    assert.deepEqual(Object.keys(after).sort(), ['Eyeglasses', 'Male', 'Smiling']);
    assert.deepEqual(after.Male, attrs.Male);
    assert.deepEqual(after.Smiling, attrs.Smiling);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('attributes-cli: bad command lines, a missing run folder and missing data exit 2 with the message and no stack trace', async () => {
  const bundle = await makeBundle({ kind: 'faces-vae', seed: 3 });
  const nowhere = join(tmpdir(), 'latentkit-no-such-folder');
  const cases: [string[], RegExp][] = [
    [['--run', nowhere, '--data', nowhere], /^attributes: No bundle at .*latentkit-no-such-folder/m],
    [['--run', bundle, '--data', nowhere, '--device', 'cpu'], /^attributes: .*latentkit-no-such-folder/m],
    [['--run', bundle, '--data', nowhere, '--batch-size', '0'], /--batch-size must be a positive integer, received "0"/],
    [['--run', bundle, '--data', nowhere, '--seed', 'x'], /--seed must be an integer, received "x"/],
    [['--run', bundle, '--data', nowhere, '--device', 'gpu0'], /option '--device <device>' argument 'gpu0' is invalid/],
    [['--run', bundle, '--data', nowhere, '--bogus'], /error: unknown option '--bogus'/],
    [['--run', bundle], /error: required option '--data <dir>' not specified/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/node/attributes-cli.ts', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+/m, `${args.join(' ')}: no stack trace`);
  }
});

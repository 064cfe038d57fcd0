/**
 * Attribute vectors from any label column: an image folder's subfolders (one class against the rest)
 * and an attribute CSV's columns, through the attributes CLI as a user runs it, then served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBundle } from '../../test/fixtures.ts';
import { encodePng } from '../common/png.ts';
import { createApp } from '../http/app.ts';
import { main } from './attributes-cli.ts';
import { LatentModel } from './index.ts';
import { labelColumns } from './label-columns.ts';

async function quiet(argv: string[]): Promise<number> {
  const log = console.log;
  console.log = () => {};
  try {
    return await main(argv);
  } finally {
    console.log = log;
  }
}

test('labelColumns: attribute columns as stored, classes one against the rest; none is an error saying where labels come from', () => {
  const cols = labelColumns({ name: 'd', attributeNames: ['Smiling'], labelNames: ['cat', 'dog'] });
  assert.deepEqual(cols.map((c) => `${c.kind}:${c.name}`), ['attribute:Smiling', 'class:cat', 'class:dog']);
  const batch = { count: 2, attributes: Int8Array.from([1, -1]), labels: Int32Array.from([1, 0]) };
  assert.deepEqual([0, 1].map((i) => cols[0].value(batch, i)), [1, -1]);
  assert.deepEqual([0, 1].map((i) => cols[2].value(batch, i)), [1, -1]);
  assert.throws(() => labelColumns({ name: 'plain' }), /"plain" has no labels\. .*one subfolder per class.*--labels-csv/);
});

test('attributes-cli on an image folder: one vector per subfolder and per CSV column, exactly the normalised class-mean difference for an AE', async () => {
  const root = mkdtempSync(join(tmpdir(), 'latentkit-labels-'));
  try {
    const bundle = await makeBundle({ kind: 'ae', seed: 6 });
    // 12 bright and 12 dark 32x32 grey images in two class folders; the CSV marks the first 6 of each "odd".
    const rows = ['file,odd'];
    for (const [cls, level] of [['bright', 230], ['dark', 25]] as const) {
      mkdirSync(join(root, 'images', cls), { recursive: true });
      for (let i = 0; i < 12; i++) {
        const px = new Uint8Array(32 * 32).map((_, k) => Math.max(0, Math.min(255, level + ((k * 7 + i * 13) % 21) - 10)));
        writeFileSync(join(root, 'images', cls, `${i}.png`), await encodePng({ data: px, width: 32, height: 32, channels: 1 }));
        rows.push(`${cls}/${i}.png,${i < 6 ? 1 : 0}`);
      }
    }
    writeFileSync(join(root, 'odd.csv'), `${rows.join('\n')}\n`);
    const cache = join(root, 'cache');
    process.env.LATENTKIT_CACHE_DIR = cache;
    assert.equal(await quiet(['--run', bundle, '--data', join(root, 'images'), '--batch-size', '8', '--threshold', '0', '--device', 'cpu']), 0);
    const attrs = JSON.parse(readFileSync(join(bundle, 'attributes.json'), 'utf8')) as Record<string, number[]>;
    assert.deepEqual(Object.keys(attrs).sort(), ['bright', 'dark']);

    // An AE has no sampling noise: with every image used (threshold 0) the vector is exactly normalise(mean z(bright) - mean z(dark)).
    const model = await LatentModel.load(bundle, { device: 'cpu' });
    const { loadImageFolder } = await import('@latentkit/data');
    const folder = await loadImageFolder({ dir: join(root, 'images'), height: 32, width: 32, channels: 1, validationFraction: 0, cacheDir: cache });
    const sums = [new Float64Array(2), new Float64Array(2)];
    for await (const b of folder.train.batches(24)) {
      const { mean } = await model.encode({ data: b.images, shape: [b.count, 32, 32, 1] });
      for (let i = 0; i < b.count; i++) for (let j = 0; j < 2; j++) sums[b.labels![i]][j] += mean.data[i * 2 + j] / 12;
    }
    const diff = [sums[0][0] - sums[1][0], sums[0][1] - sums[1][1]];
    const norm = Math.hypot(...diff);
    attrs.bright.forEach((v, j) => assert.ok(Math.abs(v - diff[j] / norm) < 1e-4, `bright[${j}] = ${v}, expected ${diff[j] / norm}`));
    attrs.dark.forEach((v, j) => assert.ok(Math.abs(v + attrs.bright[j]) < 1e-4, 'two classes: dark = -bright'));
    await model.dispose();

    // The CSV's column joins them; the subfolder vectors are kept.
    assert.equal(await quiet(['--run', bundle, '--data', join(root, 'images'), '--labels-csv', join(root, 'odd.csv'), '--batch-size', '8', '--device', 'cpu']), 0);
    const more = JSON.parse(readFileSync(join(bundle, 'attributes.json'), 'utf8')) as Record<string, number[]>;
    assert.deepEqual(Object.keys(more).sort(), ['bright', 'dark', 'odd']);
    assert.ok(Math.abs(Math.hypot(...more.odd) - 1) < 1e-5);

    // Served like CelebA's.
    const served = await LatentModel.load(bundle, { device: 'cpu' });
    const res = await createApp(served).request('/v1/attributes/bright', { method: 'POST', body: JSON.stringify({ z: [[0, 0]], factors: [0, 1] }), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { z: number[][] }).z[1].map((v) => Math.round(v * 1e4) / 1e4), attrs.bright.map((v) => Math.round(v * 1e4) / 1e4));
    await served.dispose();
  } finally {
    delete process.env.LATENTKIT_CACHE_DIR;
    rmSync(root, { recursive: true, force: true });
  }
});

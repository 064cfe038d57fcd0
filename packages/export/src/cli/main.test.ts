/**
 * The CLI on run folders written from freshly initialised book models: bundle contents, manifest,
 * metadata_props, single-file output, newest-run default, errors, atomic writes; and one real
 * `node src/cli/main.ts` process. Every file written passes the ONNX checker.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportCommand } from './main.ts';
import { decodeModel } from '../proto/onnx-proto.ts';
import type { BundleManifest } from '../bundle/export-run.ts';
import { writeFakeRun } from '../testing/fake-run.ts';
import { assertOnnxFilesValid } from '../testing/onnx-checker.ts';
import { run, session } from '../testing/ort.ts';

const root = mkdtempSync(join(tmpdir(), 'latentkit-export-cli-'));
const written: string[] = [];
const quiet = async (argv: string[], cwd = root) => {
  const log = console.log;
  console.log = () => {};
  try {
    const files = await exportCommand(argv, cwd);
    written.push(...files.filter((f) => f.endsWith('.onnx')));
    return files;
  } finally {
    console.log = log;
  }
};

before(async () => {
  // fashion-ae is the newest run by its manifest's createdAt, though written first; file times do not count.
  await writeFakeRun(join(root, 'runs', 'fashion-ae'), { kind: 'ae', seed: 3, createdAt: '2026-02-01T00:00:00.000Z' });
  await writeFakeRun(join(root, 'runs', 'fashion-vae'), { kind: 'vae', seed: 2, createdAt: '2026-01-01T00:00:00.000Z' });
});

test('writes the whole bundle of a VAE run: three models, manifest with an onnx section, latents.json', async () => {
  await quiet(['--run', 'runs/fashion-vae']);
  const dir = join(root, 'runs', 'fashion-vae', 'bundle');
  assert.deepEqual(readdirSync(dir).sort(), ['decoder.onnx', 'encoder.onnx', 'latents.json', 'manifest.json', 'vae.onnx']);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  assert.equal(manifest.kind, 'vae');
  assert.equal(manifest.latentDim, 2);
  assert.deepEqual({ ...manifest.onnx, files: undefined }, { opset: 17, precision: 'fp32', layout: 'nhwc', producer: 'latentkit', files: undefined });
  assert.deepEqual(manifest.onnx.files.encoder, {
    file: 'encoder.onnx',
    inputs: [
      { name: 'image', shape: ['batch', 32, 32, 1], type: 'float32' },
      { name: 'epsilon', shape: ['batch', 2], type: 'float32' },
    ],
    outputs: ['z_mean', 'z_log_var', 'z'].map((name) => ({ name, shape: ['batch', 2], type: 'float32' })),
  });
  assert.deepEqual(manifest.onnx.files.decoder?.outputs, [{ name: 'image', shape: ['batch', 32, 32, 1], type: 'float32' }]);
  assert.deepEqual(manifest.onnx.files.vae?.outputs.map((o) => o.name), ['reconstruction', 'z_mean', 'z_log_var']);
  assert.equal(readFileSync(join(dir, 'latents.json'), 'utf8'), readFileSync(join(root, 'runs', 'fashion-vae', 'latents.json'), 'utf8'));

  const model = decodeModel(readFileSync(join(dir, 'decoder.onnx')));
  const meta = Object.fromEntries((model.metadata_props ?? []).map((p) => [p.key, p.value]));
  assert.equal(model.producer_name, 'latentkit');
  assert.equal(model.producer_version, JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  assert.equal(meta.kind, 'vae');
  assert.equal(meta.latentDim, '2');
  assert.deepEqual(JSON.parse(meta.imageShape), [32, 32, 1]);
  assert.equal(JSON.parse(meta.labelNames).length, 10);
  assert.equal(meta.run, 'fashion-vae');
  assert.equal(meta.role, 'decoder');
  assert.equal(meta.engine, 'untrained (export fixture)');
  assert.ok(meta.createdAt && meta.format === 'latentkit-run/2');

  const s = await session(readFileSync(join(dir, 'vae.onnx')));
  const out = await run(s, { image: { data: new Float32Array(3 * 32 * 32).fill(0.5), dims: [3, 32, 32, 1] } });
  assert.deepEqual(out.reconstruction.dims, [3, 32, 32, 1]);
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp files left');
});

test('without --run, exports the newest run; one --model refreshes its file and keeps the others in the manifest', async () => {
  await quiet([]);
  const dir = join(root, 'runs', 'fashion-ae', 'bundle');
  assert.ok(existsSync(join(dir, 'vae.onnx')));
  const enc = decodeModel(readFileSync(join(dir, 'encoder.onnx')));
  assert.deepEqual(enc.graph.output.map((o) => o.name), ['z']);
  await quiet(['--model', 'decoder']);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  assert.deepEqual(Object.keys(manifest.onnx.files).sort(), ['decoder', 'encoder', 'vae']);
});

test('one model to a .onnx file with opset, precision and layout', async () => {
  const out = join(root, 'out', 'dec16.onnx');
  await quiet(['--run', join(root, 'runs', 'fashion-vae'), '--model', 'decoder', '--out', out, '--opset', '13', '--precision', 'fp16', '--layout', 'nchw']);
  const model = decodeModel(readFileSync(out));
  assert.equal(model.opset_import[0].version, 13);
  assert.equal(model.graph.output[0].type?.tensor_type?.shape?.dim.map((d) => d.dim_param ?? d.dim_value).join(','), 'batch,1,32,32');
  assert.ok(model.graph.initializer.some((t) => t.data_type === 10), 'fp16 weights');
});

test('--precision int8 and fp16 go to bundle-int8/ and bundle-fp16/ by default, leaving the fp32 bundle/ alone', async () => {
  const run = join(root, 'runs', 'fashion-vae');
  await quiet(['--run', run, '--model', 'decoder']);
  const fp32 = readFileSync(join(run, 'bundle', 'decoder.onnx'));
  await quiet(['--run', run, '--model', 'decoder', '--precision', 'int8', '--calibration-images', '16']);
  await quiet(['--run', run, '--model', 'decoder', '--precision', 'fp16']);
  assert.deepEqual(readFileSync(join(run, 'bundle', 'decoder.onnx')), fp32);
  for (const [folder, precision] of [['bundle-int8', 'int8'], ['bundle-fp16', 'fp16']]) {
    const manifest = JSON.parse(readFileSync(join(run, folder, 'manifest.json'), 'utf8')) as BundleManifest;
    assert.equal(manifest.onnx.precision, precision);
    const model = decodeModel(readFileSync(join(run, folder, 'decoder.onnx')));
    assert.equal(model.metadata_props?.find((p) => p.key === 'precision')?.value, precision);
  }
  const int8 = decodeModel(readFileSync(join(run, 'bundle-int8', 'decoder.onnx')));
  assert.ok(int8.graph.node.some((n) => n.op_type === 'QuantizeLinear'));
  await assert.rejects(quiet(['--run', run, '--precision', 'int8', '--opset', '12']), /int8" needs opset >= 13/);
  await assert.rejects(quiet(['--run', run, '--precision', 'int8', '--calibration-data', join(root, 'nope')]), /--calibration-data .*nope is not a folder/);
});

test('bad arguments fail with a message naming the problem', async () => {
  await assert.rejects(quiet(['--run', 'runs/nope']), /No run folder with a manifest\.json at .*runs\/nope/);
  await assert.rejects(quiet(['--run', 'runs/fashion-vae', '--out', join(root, 'x.onnx')]), /--model all writes a folder/);
  const err = console.error;
  const write = process.stderr.write;
  process.stderr.write = (() => true) as never;
  try {
    await assert.rejects(quiet(['--opset', '99']), /must be an integer from 11 to 21/);
    await assert.rejects(quiet(['--model', 'gan']), /Allowed choices are encoder, decoder, vae, all/);
  } finally {
    process.stderr.write = write;
    console.error = err;
  }
});

test('runs as a process: pnpm-style INIT_CWD, exit code 0; bad input exits 2 with a one-line error and no stack trace', () => {
  const cli = fileURLToPath(new URL('./main.ts', import.meta.url));
  const spawnCli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { env: { ...process.env, INIT_CWD: root }, encoding: 'utf8' });
  const ok = spawnCli(['--model', 'encoder', '--run', 'runs/fashion-vae']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /wrote .*fashion-vae\/bundle\/encoder\.onnx/);
  const cases: [string[], RegExp][] = [
    [['--run', 'runs/missing'], /^export: No run folder with a manifest\.json at .*runs\/missing/],
    [['--run', 'runs/fashion-vae', '--opset', 'twelve'], /option '--opset <n>' argument 'twelve' is invalid/],
    [['--run', 'runs/fashion-vae', '--model', 'gan'], /option '--model <which>' argument 'gan' is invalid\. Allowed choices are/],
    [['--run', 'runs/fashion-vae', '--bogus'], /error: unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const bad = spawnCli(args);
    assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message, args.join(' '));
    assert.doesNotMatch(bad.stderr, /^\s+at .+:\d+/m, `${args.join(' ')}: no stack trace`);
    assert.equal(bad.stdout, '');
  }
});

after(() => {
  assertOnnxFilesValid([...new Set(written)], 'CLI files');
});

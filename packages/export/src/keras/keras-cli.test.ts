/**
 * `pnpm export --keras ...` as real processes: one model to .onnx, an encoder + decoder pair to a
 * bundle the runtime loads, and bad input (truncated zip and HDF5, not a Keras file, a channels_first
 * layer whose kernel does not fit its input, an unknown layer class, a SavedModel folder): exit
 * status 2, a message naming what was wrong, nothing written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { BundleManifest } from '../bundle/export-run.ts';
import { CheckerBatch } from '../testing/onnx-checker.ts';
import { maxAbsDiff, run } from '../testing/ort.ts';
import { exportCommand } from '../cli/main.ts';
import { exportKerasBundle } from './bundle.ts';
import { KerasFileError } from './errors.ts';
import { FIXTURES, readExpected } from './testing.ts';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latentkit-keras-cli-'));
const checker = new CheckerBatch();
const expected = readExpected();

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: PACKAGE, encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CLI refuses with a KerasFileError (the error the process exits with 2 for: one real process
 * below checks that), the message matches, and `out` does not exist afterwards. In-process, as
 * each `node --import tsx` start costs seconds on these machines.
 */
async function assertRefused(args: string[], message: RegExp, out: string) {
  await assert.rejects(exportCommand([...args, '--out', out], dir), (err: unknown) => {
    assert.ok(err instanceof KerasFileError, `expected a KerasFileError, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
  assert.ok(!existsSync(out), `${out} must not be written`);
}

describe('pnpm export --keras', () => {
  after(() => checker.assertAllValid('files written by the Keras CLI'));

  it('--keras FILE --out x.onnx writes one model that matches Keras', async () => {
    const out = join(dir, 'vae-decoder.onnx');
    const r = cli(['--keras', join(FIXTURES, 'vae-decoder.keras'), '--role', 'decoder', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*vae-decoder\.onnx/);
    const bytes = new Uint8Array(readFileSync(out));
    checker.add('cli-vae-decoder', bytes);
    const c = expected.models['vae-decoder'];
    const got = await run(bytes, { z: { data: c.inputs.z.data, dims: c.inputs.z.shape } });
    assert.ok(maxAbsDiff(got.image.data, c.outputs[0].data) <= 1e-5);
  });

  it('--keras-encoder E --keras-decoder D writes a bundle the runtime serves', async () => {
    const out = join(dir, 'runs', 'keras-vae', 'bundle');
    const log = console.log;
    console.log = () => {};
    try {
      await exportCommand(['--keras-encoder', join(FIXTURES, 'vae-encoder.keras'), '--keras-decoder', join(FIXTURES, 'vae-decoder.h5'), '--latents', join(FIXTURES, 'vae-latents.json'), '--epochs', '3', '--out', out], dir);
    } finally {
      console.log = log;
    }
    assert.deepEqual(readdirSync(out).sort(), ['decoder.onnx', 'encoder.onnx', 'latents.json', 'manifest.json', 'vae.onnx']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as BundleManifest;
    assert.equal(manifest.kind, 'vae');
    assert.equal(manifest.latentDim, 2);
    assert.equal(manifest.epochs, 3);
    assert.equal((JSON.parse(readFileSync(join(out, 'latents.json'), 'utf8')) as { points: number[][] }).points.length, 2000);
    assert.deepEqual(manifest.imageShape, [32, 32, 1]);
    assert.equal(manifest.labelNames?.length, 10);
    assert.match(manifest.engine, /keras 3\.15/);
    assert.deepEqual(manifest.onnx.files.encoder?.outputs.map((o) => o.name), ['z_mean', 'z_log_var', 'z']);
    for (const f of ['encoder', 'decoder', 'vae']) checker.add(`bundle-${f}`, new Uint8Array(readFileSync(join(out, `${f}.onnx`))));

    const vae = new Uint8Array(readFileSync(join(out, 'vae.onnx')));
    const c = expected.models['vae-encoder'];
    const rec = await run(vae, { image: { data: c.inputs.image.data, dims: c.inputs.image.shape } });
    assert.ok(maxAbsDiff(rec.z_mean.data, c.outputs[0].data) <= 1e-5);
  });

  it('library: exportKerasBundle for the faces VAE (kind inferred, attribute names from options)', async () => {
    const outDir = join(dir, 'runs', 'keras-faces', 'bundle');
    const result = await exportKerasBundle({
      encoder: join(FIXTURES, 'faces-vae-encoder.h5'),
      decoder: join(FIXTURES, 'faces-vae-decoder.keras'),
      outDir,
      attributeNames: ['Smiling'],
      models: ['decoder', 'encoder'],
    });
    assert.equal(result.manifest.kind, 'faces-vae');
    assert.equal(result.manifest.latentDim, 200);
    assert.equal(result.manifest.beta, 2000);
    assert.deepEqual(result.manifest.attributeNames, ['Smiling']);
    assert.equal(result.manifest.labelNames, undefined);
    for (const f of ['encoder', 'decoder']) checker.add(`faces-bundle-${f}`, new Uint8Array(readFileSync(join(outDir, `${f}.onnx`))));
  });

  describe('bad input: exit 2, nothing written', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    const keras = readFileSync(join(FIXTURES, 'ae-encoder.keras'));
    const h5 = readFileSync(join(FIXTURES, 'ae-encoder.h5'));

    it('a truncated .keras zip (a real process: exit status 2, the message on stderr)', () => {
      writeFileSync(join(bad, 'cut.keras'), keras.subarray(0, keras.length >> 1));
      const out = join(bad, 'cut.onnx');
      const r = cli(['--keras', join(bad, 'cut.keras'), '--out', out]);
      assert.equal(r.status, 2, `exit status (stderr: ${r.stderr})`);
      assert.match(r.stderr, /^export: .*cut\.keras: the \.keras archive is truncated or damaged/);
      assert.ok(!existsSync(out));
    });

    it('bad command lines of the Keras form (real processes): exit status 2, the message, no stack trace', () => {
      const cases: [string[], RegExp][] = [
        [['--keras-weights', join(FIXTURES, 'ae-encoder.h5')], /^export: --keras-weights needs --arch/],
        [['--keras', join(FIXTURES, 'ae-encoder.keras'), '--precision', 'int8'], /option '--precision <p>' argument 'int8' is invalid/],
        [['--keras', join(FIXTURES, 'ae-encoder.keras'), '--bogus'], /error: unknown option '--bogus'/],
      ];
      for (const [args, message] of cases) {
        const r = cli(args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message, args.join(' '));
        assert.doesNotMatch(r.stderr, /^\s+at .+:\d+/m, `${args.join(' ')}: no stack trace`);
      }
    });

    it('a truncated .h5', async () => {
      writeFileSync(join(bad, 'cut.h5'), h5.subarray(0, h5.length >> 1));
      await assertRefused(['--keras', join(bad, 'cut.h5')], /cut\.h5: truncated HDF5 file: it holds \d+ bytes, its superblock says \d+/, join(bad, 'cut-h5.onnx'));
    });

    it('a file that is not a Keras model', async () => {
      writeFileSync(join(bad, 'notes.keras'), 'hello, not a model\n');
      await assertRefused(['--keras', join(bad, 'notes.keras')], /not a Keras model file: neither a \.keras archive \(zip\) nor an HDF5/, join(bad, 'notes.onnx'));
      writeFileSync(join(bad, 'other.zip'), zipSync({ 'readme.txt': strToU8('hi') }));
      await assertRefused(['--keras', join(bad, 'other.zip')], /not a Keras 3 \.keras archive: no config\.json/, join(bad, 'other.onnx'));
    });

    it('a channels_first layer whose kernel does not fit its input (the data_format edited after training)', async () => {
      const entries = unzipSync(new Uint8Array(keras));
      const config = new TextDecoder().decode(entries['config.json']).replaceAll('"channels_last"', '"channels_first"');
      writeFileSync(join(bad, 'cf.keras'), zipSync({ ...entries, 'config.json': strToU8(config) }));
      await assertRefused(['--keras', join(bad, 'cf.keras')], /Layer "conv2d" \(Conv2D\): its kernel takes 1 input channel\(s\) but its input has 32 \(check the layer's data_format\)/, join(bad, 'cf.onnx'));
    });

    it('an unknown layer class: named with its class, module and the supported list', async () => {
      await assertRefused(
        ['--keras', join(FIXTURES, 'extras', 'unknown-layer.keras')],
        /unsupported Keras layer "my_scale" \(class Scale, registered as my_pkg>Scale, module not stored\)\. Supported: .*Conv2D.*Dense/,
        join(bad, 'unknown.onnx'),
      );
    });

    it('a TensorFlow SavedModel folder, with how to re-save it as .keras', async () => {
      const saved = join(bad, 'saved_model_dir');
      mkdirSync(join(saved, 'variables'), { recursive: true });
      writeFileSync(join(saved, 'saved_model.pb'), new Uint8Array([8, 1]));
      await assertRefused(['--keras', saved], /a TensorFlow SavedModel is not a Keras file\. Re-save it as \.keras.*model\.save\("model\.keras"\)/, join(bad, 'saved.onnx'));
    });

    it('a bundle whose encoder is bad leaves the bundle folder unwritten', async () => {
      const out = join(bad, 'runs', 'x', 'bundle');
      await assertRefused(['--keras-encoder', join(bad, 'cut.keras'), '--keras-decoder', join(FIXTURES, 'ae-decoder.keras')], /cut\.keras/, out);
    });
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESET_SPECS, presetOf } from '@latentkit/format';
import { CUSTOM_BASE, parseImageSize, resolveSpec } from './spec-options.ts';
import { ValueError } from '../errors.ts';

test('--model alone is the preset; flags adjust it (a different latent size stays the preset)', () => {
  assert.deepEqual(resolveSpec({ model: 'faces-vae' }), PRESET_SPECS['faces-vae']);
  const z16 = resolveSpec({ model: 'vae', latentDim: '16' });
  assert.equal(z16.latentDim, 16);
  assert.equal(presetOf(z16), 'vae');
  assert.equal(presetOf(resolveSpec({ model: 'vae', filters: '16,32' })), undefined);
});

test('the issue\'s example: --image-size 48 --channels 3 --latent-dim 16 on the default base', () => {
  const s = resolveSpec({ imageSize: '48', channels: '3', latentDim: '16' });
  assert.deepEqual(s, { ...CUSTOM_BASE, inputShape: [48, 48, 3], latentDim: 16 });
  const all = resolveSpec({
    imageSize: '48x80', channels: '1', latentDim: '8', filters: '32, 64,128,256', kernel: '5', norm: 'batch',
    activation: 'leaky_relu:0.2', loss: 'mse', beta: '2', klWarmup: '5',
  });
  assert.deepEqual(all.inputShape, [48, 80, 1]);
  assert.deepEqual(all.encoder, { filters: [32, 64, 128, 256], kernelSize: 5, strides: 2 });
  assert.deepEqual(all.activation, { name: 'leaky_relu', alpha: 0.2 });
  assert.deepEqual(all.loss, { type: 'mse', scale: 2000 }); // the book's scaling for MSE
  assert.equal(all.beta, 2);
  assert.deepEqual(all.klWarmup, { schedule: 'linear', epochs: 5 });
  assert.deepEqual(resolveSpec({ klCycle: '4' }).klWarmup, { schedule: 'cyclical', period: 4, ratio: 0.5 });
  assert.deepEqual(resolveSpec({ type: 'ae' }).loss, { type: 'bce', scale: 1 });
  assert.equal(resolveSpec({ loss: 'mse', lossScale: '10' }).loss.scale, 10);
});

test('--spec reads a JSON file (defaults filled) that flags then adjust', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-spec-'));
  try {
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify({ type: 'vae', inputShape: [48, 48, 3], latentDim: 16, encoder: { filters: [32, 64, 128] } }));
    const s = resolveSpec({ spec: file, latentDim: '4' });
    assert.equal(s.latentDim, 4);
    assert.deepEqual(s.loss, { type: 'bce', scale: 1 });
    writeFileSync(file, '{"type": "vae",');
    assert.throws(() => resolveSpec({ spec: file }), /--spec .*spec\.json: not valid JSON/);
    writeFileSync(file, JSON.stringify({ type: 'vae', inputShape: [50, 50, 3], latentDim: 2, encoder: { filters: [8, 8] } }));
    assert.throws(() => resolveSpec({ spec: file }), /spec\.json: inputShape: image 50x50 with 2 stride-2 conv layers: height and width must be multiples of 2\^2 = 4/);
    assert.throws(() => resolveSpec({ spec: join(dir, 'none.json') }), /--spec .*none\.json: cannot read it \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad flags are ValueErrors naming the flag and what to pass', () => {
  const cases: [Parameters<typeof resolveSpec>[0], RegExp][] = [
    [{ imageSize: '0' }, /--image-size must be N or HxW with sizes 1\.\.4096 \(e\.g\. 64 or 48x80\), received "0"/],
    [{ imageSize: '48x' }, /--image-size must be N or HxW/],
    [{ channels: '4' }, /--channels must be 1 \(grey\) or 3 \(RGB\), received "4"/],
    [{ latentDim: '-1' }, /--latent-dim must be an integer >= 1, received "-1"/],
    [{ filters: '32,,64' }, /--filters \(comma-separated, e\.g\. 32,64,128\) must be an integer >= 1, received ""/],
    [{ norm: 'layer' }, /--norm must be none or batch, received "layer"/],
    [{ activation: 'gelu' }, /--activation must be relu, leaky_relu or leaky_relu:ALPHA/],
    [{ loss: 'l1' }, /--loss must be bce or mse, received "l1"/],
    [{ klWarmup: '3', klCycle: '4' }, /--kl-warmup and --kl-cycle are two KL schedules; pass one/],
    [{ imageSize: '48', filters: '8,8,8,8,8' }, /image 48x48 with 5 stride-2 conv layers: height and width must be multiples of 2\^5 = 32 .*use 64x64, or 4 layers \(multiples of 16\)/],
    [{ model: 'vae', spec: 'x.json' }, /--spec and --model both describe the model; pass one/],
  ];
  for (const [flags, message] of cases) assert.throws(() => resolveSpec(flags), (e: Error) => e instanceof ValueError && message.test(e.message), JSON.stringify(flags));
  assert.deepEqual(parseImageSize('48X80'), [48, 80]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PRESET_SPECS, describeSpec, klWarmupWeight, parseModelSpec, presetOf, presetSpec, sizeProblem,
} from './index.ts';
import { formatError } from '../test/format-error.ts';

test('the three presets parse to themselves and are recognised as presets', () => {
  for (const [kind, spec] of Object.entries(PRESET_SPECS)) {
    assert.deepEqual(parseModelSpec(JSON.parse(JSON.stringify(spec))), spec, kind);
    assert.equal(presetOf(spec), kind);
  }
  // Latent size, reconstruction scale, beta and warm-up do not change which preset a graph is.
  assert.equal(presetOf({ ...presetSpec('vae', { latentDim: 16, lossScale: 100 }), beta: 4, klWarmup: { schedule: 'linear', epochs: 3 } }), 'vae');
  assert.equal(presetOf({ ...presetSpec('vae'), encoder: { filters: [32, 64], kernelSize: 3, strides: 2 } }), undefined);
  assert.equal(presetOf({ ...presetSpec('faces-vae'), inputShape: [48, 48, 3], encoder: { filters: [64, 64, 64, 64], kernelSize: 3, strides: 2 } }), undefined);
});

test('a spec file may leave out every field with a default', () => {
  const spec = parseModelSpec({ type: 'vae', inputShape: [48, 80, 3], latentDim: 16, encoder: { filters: [32, 64, 128] } });
  assert.deepEqual(spec.encoder, { filters: [32, 64, 128], kernelSize: 3, strides: 2 });
  assert.equal(spec.norm, 'none');
  assert.deepEqual(spec.activation, { name: 'relu' });
  assert.deepEqual(spec.loss, { type: 'bce', scale: 1 });
  assert.equal(spec.beta, 1);
  assert.deepEqual(spec.klWarmup, { schedule: 'none' });
  assert.deepEqual(parseModelSpec({ ...spec, activation: { name: 'leaky_relu' } }).activation, { name: 'leaky_relu', alpha: 0.3 });
  assert.equal(describeSpec(spec), '48x80x3 vae, z 16, filters 32,64,128 (k3 s2), relu, bce x1');
});

test('sizes the strides cannot divide are refused with the constraint spelled out', () => {
  const e = formatError(() => parseModelSpec({ type: 'ae', inputShape: [48, 48, 3], latentDim: 8, encoder: { filters: [8, 8, 8, 8, 8] } }, 'my-spec.json'));
  assert.equal(e.field, 'inputShape');
  assert.match(e.message, /^my-spec\.json: inputShape: image 48x48 with 5 stride-2 conv layers: height and width must be multiples of 2\^5 = 32 so the decoder mirrors the encoder exactly \(48 and 48 are not\); use 64x64, or 4 layers \(multiples of 16\), or stride 1/);
  assert.equal(sizeProblem({ inputShape: [48, 80, 1], encoder: { filters: [1, 1, 1, 1], strides: 2 } }), undefined);
  assert.match(sizeProblem({ inputShape: [30, 32, 1], encoder: { filters: [1, 1], strides: 2 } }) ?? '', /\(30 is not\); use 32x32, or 1 layer \(multiples of 2\)/);
  assert.equal(sizeProblem({ inputShape: [7, 9, 1], encoder: { filters: [1, 1, 1], strides: 1 } }), undefined);
});

test('bad spec fields are named', () => {
  const base = { type: 'vae', inputShape: [32, 32, 1], latentDim: 2, encoder: { filters: [32] } };
  const cases: [object, string, RegExp][] = [
    [{ ...base, type: 'gan' }, 'type', /type: Invalid option: expected one of "ae"\|"vae"/],
    [{ ...base, inputShape: [32, 32, 4] }, 'inputShape.2', /expected 1 \(grey\) or 3 \(RGB\) channels/],
    [{ ...base, latentDim: 0 }, 'latentDim', /latentDim: Too small/],
    [{ ...base, encoder: { filters: [] } }, 'encoder.filters', /encoder\.filters: Too small/],
    [{ ...base, norm: 'layer' }, 'norm', /norm: Invalid option: expected one of "none"\|"batch"/],
    [{ ...base, activation: { name: 'gelu' } }, 'activation.name', /activation\.name: Invalid discriminator value. Expected 'relu' \| 'leaky_relu'/],
    [{ ...base, loss: { type: 'l1' } }, 'loss.type', /loss\.type: Invalid option: expected one of "bce"\|"mse"/],
    [{ ...base, beta: -1 }, 'beta', /beta: Too small/],
    [{ ...base, klWarmup: { schedule: 'cyclical', period: 1 } }, 'klWarmup.period', /klWarmup\.period: Too small/],
  ];
  for (const [json, field, message] of cases) {
    const e = formatError(() => parseModelSpec(json));
    assert.equal(e.field, field, JSON.stringify(json));
    assert.match(e.message, message);
  }
});

test('KL warm-up: none is 1; linear rises from 0 over N epochs; cyclical (Fu et al. 2019) restarts every period', () => {
  assert.deepEqual([0, 1, 5].map((e) => klWarmupWeight({ schedule: 'none' }, e)), [1, 1, 1]);
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((e) => klWarmupWeight({ schedule: 'linear', epochs: 4 }, e)), [0, 0.25, 0.5, 0.75, 1, 1]);
  const cyc = { schedule: 'cyclical', period: 4, ratio: 0.5 } as const;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((e) => klWarmupWeight(cyc, e)), [0, 0.5, 1, 1, 0, 0.5, 1, 1, 0]);
  assert.throws(() => klWarmupWeight(cyc, -1), /epoch must be an integer >= 0/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConverterConfig, ConvertFn } from './converter.ts';
import { converterFor, supportedClasses } from './registry.ts';
import { CONVERTERS } from './converters/register-all.ts';

test('picks the highest converter version at or below the target opset', () => {
  const v7: ConvertFn = (c) => c.inputs;
  const v11: ConvertFn = (c) => c.inputs;
  const v13: ConvertFn = (c) => c.inputs;
  const map = new Map<string, ConverterConfig>([['X', { className: 'X', opsets: { 7: v7, 11: v11, 13: v13 } }]]);
  assert.equal(converterFor('X', 6, map), undefined);
  assert.equal(converterFor('X', 7, map), v7);
  assert.equal(converterFor('X', 12, map), v11);
  assert.equal(converterFor('X', 17, map), v13);
  assert.equal(converterFor('Y', 17, map), undefined);
});

test('the registered map is keyed by class_name and lists the issue\'s layers', () => {
  for (const [name, config] of CONVERTERS) assert.equal(config.className, name);
  for (const cls of ['InputLayer', 'Conv2D', 'Conv2DTranspose', 'Dense', 'Flatten', 'Reshape', 'BatchNormalization', 'LeakyReLU', 'ReLU', 'Activation', 'Dropout', 'Sampling', 'MaxPooling2D', 'AveragePooling2D', 'UpSampling2D', 'Add', 'Concatenate', 'ZeroPadding2D']) {
    assert.ok(supportedClasses().includes(cls), cls);
  }
  assert.equal(converterFor('UpSampling2D', 12), CONVERTERS.get('UpSampling2D')!.opsets[11]);
  assert.equal(converterFor('UpSampling2D', 13), CONVERTERS.get('UpSampling2D')!.opsets[13]);
});

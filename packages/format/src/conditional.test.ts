import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeQualityReport, describeSpec, modelLabel, parseModelSpec, parseQualityReport, presetOf, presetSpec, unconditional,
  REPORT_FORMAT,
} from './index.ts';
import { formatError } from '../test/format-error.ts';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

test('a conditional VAE spec keeps its classes, is no preset, and names the book model it conditions', () => {
  const spec = parseModelSpec({ ...presetSpec('vae'), conditional: { classes: FASHION } });
  assert.deepEqual(spec.conditional, { classes: FASHION });
  assert.equal(presetOf(spec), undefined);
  assert.equal(presetOf(unconditional(spec)), 'vae');
  assert.equal(unconditional(spec).conditional, undefined);
  assert.match(describeSpec(spec), /conditional on 10 classes$/);
  assert.equal(modelLabel({ spec }), 'cvae 32x32x1');
  // Specs without the field parse as before (the field is optional: no format bump).
  assert.equal(parseModelSpec(presetSpec('vae')).conditional, undefined);
});

test('conditional specs refuse an AE, duplicate or too few classes, naming the field', () => {
  assert.match(formatError(() => parseModelSpec({ ...presetSpec('ae'), conditional: { classes: ['a', 'b'] } })).message, /conditional: only a VAE/);
  assert.equal(formatError(() => parseModelSpec({ ...presetSpec('vae'), conditional: { classes: ['a', 'a'] } })).field, 'conditional.classes');
  assert.equal(formatError(() => parseModelSpec({ ...presetSpec('vae'), conditional: { classes: ['a'] } })).field, 'conditional.classes');
});

test('report.json parses, is refused with the field named, and reads as one paragraph', () => {
  const report = {
    format: REPORT_FORMAT,
    reconstruction: { images: 100, meanDb: 18.5, pooledDb: 17.9 },
    conditional: {
      k: 5, referenceImages: 1000, validationImages: 100, samplesPerClass: 10, knnAccuracy: 0.8, fidelity: 0.72, ratio: 0.9,
      perClass: [{ class: 'a', fidelity: 0.7, knnAccuracy: 0.9 }, { class: 'b', fidelity: 0.74, knnAccuracy: 0.7 }],
    },
    seconds: 1.5,
  };
  assert.deepEqual(parseQualityReport(report), report);
  assert.match(describeQualityReport(parseQualityReport(report)), /18\.50 dB.*\n.*fidelity 0\.720 vs k-NN ceiling 0\.800 \(ratio 0\.900/);
  assert.equal(formatError(() => parseQualityReport({ ...report, conditional: { ...report.conditional, fidelity: 1.5 } })).field, 'conditional.fidelity');
});

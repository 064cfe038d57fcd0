import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODEL_KINDS } from '@latentkit/format';
import { BOOK_DEFAULTS, DEFAULT_BETA, DEFAULT_LEARNING_RATE, DEFAULT_SEED } from './book-defaults.ts';

const source = (url: URL) => readFileSync(fileURLToPath(url), 'utf8');

test('the book-defaults entry imports types only, so loading it loads no TensorFlow.js and no engine', () => {
  const imports = source(new URL('./book-defaults.ts', import.meta.url)).match(/^import\s.*$/gm) ?? [];
  assert.ok(imports.length > 0);
  for (const line of imports) assert.match(line, /^import type /, `a run-time import: ${line}`);
  const manifest = JSON.parse(source(new URL('../package.json', import.meta.url)));
  assert.equal(manifest.exports['./book-defaults'], './src/book-defaults.ts');
});

test('every model has the book settings, and the per-key tables read from them', () => {
  assert.deepEqual(Object.keys(BOOK_DEFAULTS).sort(), [...MODEL_KINDS].sort());
  assert.deepEqual(BOOK_DEFAULTS['faces-vae'], { epochs: 10, batchSize: 128, learningRate: 5e-4, beta: 2000 });
  for (const kind of MODEL_KINDS) {
    assert.equal(DEFAULT_BETA[kind], BOOK_DEFAULTS[kind].beta);
    assert.equal(DEFAULT_LEARNING_RATE[kind], BOOK_DEFAULTS[kind].learningRate);
  }
  assert.equal(DEFAULT_SEED, 42);
  assert.ok(Object.isFrozen(BOOK_DEFAULTS) && Object.isFrozen(BOOK_DEFAULTS.vae), 'shared defaults cannot be changed by a caller');
});

test("the Keras reference (scripts/python/book_models.py) trains with the same batch sizes, betas and learning rates", () => {
  const py = source(new URL('../../../scripts/python/book_models.py', import.meta.url));
  const dict = (name: string): Record<string, number> => {
    const m = py.match(new RegExp(`^${name} = (\\{[^}]*\\})$`, 'm'));
    assert.ok(m, `book_models.py has no one-line ${name} = {...}`);
    return JSON.parse(m[1]);
  };
  const number = (name: string) => Number(py.match(new RegExp(`^${name} = ([\\d.e-]+)$`, 'm'))?.[1]);
  const batch = dict('BATCH_SIZE');
  const beta = dict('BETA');
  for (const kind of MODEL_KINDS) {
    assert.equal(batch[kind], BOOK_DEFAULTS[kind].batchSize, `${kind} batch size`);
    if (kind !== 'ae') {
      assert.equal(beta[kind], BOOK_DEFAULTS[kind].beta, `${kind} beta`);
      assert.equal(number('VAE_LEARNING_RATE'), BOOK_DEFAULTS[kind].learningRate, `${kind} learning rate`);
    }
  }
});

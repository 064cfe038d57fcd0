import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataOptionError } from './errors.ts';
import { labelsFromAttribute } from './attribute-labels.ts';
import type { Batch, Dataset } from './types.ts';

/** Four 1x1 grey images with two attribute columns (+1/-1 per image). */
function attributeDataset(withNames = true): Dataset {
  const attributes = Int8Array.from([1, -1, -1, -1, 1, 1, -1, 1]);
  return {
    name: 'toy',
    source: 'test',
    size: 4,
    imageShape: [1, 1, 1],
    ...(withNames ? { attributeNames: ['Smiling', 'Male'] } : {}),
    async *batches(batchSize: number): AsyncGenerator<Batch> {
      for (let s = 0; s < 4; s += batchSize) {
        const n = Math.min(batchSize, 4 - s);
        yield { images: new Float32Array(n), count: n, attributes: attributes.slice(s * 2, (s + n) * 2) };
      }
    },
  };
}

test('an attribute column becomes two classes: label 1 where it is +1, names [not X, X]', async () => {
  const data = labelsFromAttribute(attributeDataset(), 'Male');
  assert.deepEqual(data.labelNames, ['not Male', 'Male']);
  const labels: number[] = [];
  for await (const b of data.batches(3)) labels.push(...b.labels!);
  assert.deepEqual(labels, [0, 0, 1, 1]);
});

test('an unknown column or a dataset without attributes is refused naming the columns', () => {
  assert.throws(() => labelsFromAttribute(attributeDataset(), 'Hat'), (e: unknown) => e instanceof DataOptionError && /"Hat" is not in toy; its columns: Smiling, Male/.test(e.message));
  assert.throws(() => labelsFromAttribute(attributeDataset(false), 'Smiling'), /toy \(test\) has no attribute columns/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../errors.ts';
import { parseAttributeTable } from './celeba-attributes.ts';

test('parses CRLF, a BOM, padded cells and +1, keeping each row\'s line number', () => {
  const t = parseAttributeTable('\ufeffimage_id,Smiling,Male\r\n000001.jpg,1,-1\r\n000002.jpg, -1 ,+1\r\n000003.jpg,-1,-1\r\n\r\n', 'a.csv');
  assert.deepEqual(t.attributeNames, ['Smiling', 'Male']);
  assert.deepEqual(t.imageIds, ['000001.jpg', '000002.jpg', '000003.jpg']);
  assert.deepEqual([...t.values], [1, -1, -1, 1, -1, -1]);
  assert.deepEqual([...t.lines], [2, 3, 4]);
});

test('an empty line inside the table is a wrong column count on that line', () => {
  assert.throws(
    () => parseAttributeTable('image_id,Smiling,Male\n000001.jpg,1,-1\n\n000003.jpg,-1,-1\n', 'a.csv'),
    (e: unknown) => e instanceof DataError && e.row === 3 && /a.csv line 3: has 1 columns, expected 3/.test(e.message),
  );
});

test('rejects values other than 1/-1 and repeated or empty names, naming the line', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['image_id,S\nx.jpg,2\n', 2, /S of x.jpg is "2"/],
    ['image_id,S\nx.jpg,11\n', 2, /S of x.jpg is "11"/],
    ['image_id,S\nx.jpg,\n', 2, /S of x.jpg is ""/],
    ['image_id,S,S\nx.jpg,1,1\n', 1, /"S" is empty or repeated/],
    ['image_id,S\n,1\n', 2, /empty image_id/],
    ['2\nS\nx.jpg 1\n', 1, /declares 2 images but lists 1/],
  ];
  for (const [text, row, message] of cases) {
    assert.throws(() => parseAttributeTable(text, 'b.csv'), (e: unknown) => e instanceof DataError && e.row === row && message.test(e.message), text);
  }
});

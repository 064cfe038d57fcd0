/**
 * The events writer against TensorBoard's own reader (pip's tensorboard 2.21 EventAccumulator, through
 * test/tensorboard/read_events.py): scalars, images, histograms and text come back at their steps with
 * their values; a continued log (SessionLog START) shows no duplicate steps; a file cut mid-record (a
 * kill) still reads up to its last whole record. One Python run reads every folder at once.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readTensorBoard, type TensorBoardRun } from '../../test/tensorboard/read-events.ts';
import { eventFiles, EventFileWriter } from './event-file.ts';
import { histogramOf } from './histogram.ts';
import { maskedCrc32c } from './record.ts';
import { histogramValue, imageValue, scalarValue, textValue } from './summaries.ts';

const f32 = (x: number) => Math.fround(x);
const root = mkdtempSync(join(tmpdir(), 'latentkit-tb-'));
const dirs = { kinds: join(root, 'kinds'), resumed: join(root, 'resumed'), unmarked: join(root, 'unmarked'), cut: join(root, 'cut') };
let png: Uint8Array;
let runs: Record<string, TensorBoardRun>;
let version: string;

before(async () => {
  png = new Uint8Array(await sharp(Buffer.alloc(6 * 4 * 3, 200), { raw: { width: 6, height: 4, channels: 3 } }).png().toBuffer());

  const w = new EventFileWriter(dirs.kinds);
  for (let step = 1; step <= 5; step++) w.write(step, [scalarValue('batch/loss', 1 / step), scalarValue('batch/zero', 0)]);
  w.write(5, [
    imageValue('samples', png, 6, 4, 3),
    histogramValue('weights/kernel', histogramOf([0, 1, 1, 2, 3, 3, 3, Number.NaN], 3)),
    textValue('hparams', '| a | b |\n|---|---|\n| 1 | 2 |'),
  ]);
  w.close();

  // A run killed after logging steps 1..6 whose checkpoint was at step 3: the resumed process logs 4..8 again.
  const first = new EventFileWriter(dirs.resumed);
  for (let step = 1; step <= 6; step++) first.write(step, [scalarValue('loss', step), histogramValue('h', histogramOf([step, step + 1]))]);
  first.write(6, [imageValue('img', png, 6, 4, 3)]);
  first.close();
  const second = new EventFileWriter(dirs.resumed, { restartStep: 4 });
  for (let step = 4; step <= 8; step++) second.write(step, [scalarValue('loss', 100 + step), histogramValue('h', histogramOf([step, step + 1]))]);
  second.write(8, [imageValue('img', png, 6, 4, 3)]);
  second.close();

  // The same without SessionLog START (a writer that does not say it restarted): the control case.
  for (const steps of [[1, 2, 3, 4, 5], [4, 5, 6]]) {
    const w = new EventFileWriter(dirs.unmarked);
    for (const step of steps) w.write(step, [scalarValue('loss', step)]);
    w.close();
  }

  // A kill mid-write: the file ends inside its last record.
  const cut = new EventFileWriter(dirs.cut);
  for (let step = 1; step <= 4; step++) cut.write(step, [scalarValue('loss', step)]);
  cut.close();
  truncateSync(cut.path, statSync(cut.path).size - 7);

  const read = readTensorBoard(Object.values(dirs));
  runs = read.runs;
  version = read.tensorboard;
});

describe('TensorBoard event files', () => {
  test("masks CRC32C as TensorFlow does (crc32c('123456789') = 0xe3069283)", () => {
    const crc = 0xe3069283;
    const expected = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
    assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), expected);
  });

  test('TensorBoard reads scalars, an image, a histogram and text back at their steps', () => {
    assert.equal(version, '2.21.0');
    const run = runs[dirs.kinds];
    assert.equal(run.file_version, 2);
    assert.deepEqual(run.scalars['batch/loss'], [1, 2, 3, 4, 5].map((s) => [s, f32(1 / s)]));
    assert.deepEqual(run.scalars['batch/zero'].map(([s, v]) => [s, v]), [1, 2, 3, 4, 5].map((s) => [s, 0]));
    const [image] = run.images.samples;
    assert.deepEqual({ ...image, sha256: undefined }, { step: 5, width: 6, height: 4, png: true, sha256: undefined });
    assert.equal(image.sha256, createHash('sha256').update(png).digest('hex'));
    const [h] = run.histograms['weights/kernel'];
    assert.deepEqual(h, { step: 5, min: 0, max: 3, num: 7, sum: 13, bucket_limit: [1, 2, 3], bucket: [3, 1, 3] });
    assert.deepEqual(run.text.hparams, [[5, ['| a | b |\n|---|---|\n| 1 | 2 |']]]);
  });

  test('a continued log (SessionLog START at step 4) replaces the steps logged before: no duplicates', () => {
    const run = runs[dirs.resumed];
    assert.equal(eventFiles(dirs.resumed).length, 2);
    assert.deepEqual(Object.values(run.raw_steps).map((s) => s.filter((x, i, a) => a.indexOf(x) === i)), [[1, 2, 3, 4, 5, 6], [4, 5, 6, 7, 8]]);
    assert.deepEqual(run.session_starts, [4]);
    assert.deepEqual(run.scalars.loss, [[1, 1], [2, 2], [3, 3], [4, 104], [5, 105], [6, 106], [7, 107], [8, 108]]);
    assert.deepEqual(run.histograms.h.map((e) => e.step), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(run.images.img.map((e) => e.step), [8]);
  });

  test('without the START event TensorBoard keeps both copies of the repeated steps (why the writer writes it)', () => {
    assert.deepEqual(runs[dirs.unmarked].scalars.loss.map(([s]) => s), [1, 2, 3, 4, 5, 4, 5, 6]);
  });

  test('a file cut inside its last record (a kill mid-write) reads up to the last whole record', () => {
    assert.deepEqual(runs[dirs.cut].scalars.loss, [[1, 1], [2, 2], [3, 3]]);
  });

  test('a new file in the same folder sorts after the existing ones, even within the same second', () => {
    const dir = join(root, 'order');
    const names = [0, 1, 2].map(() => {
      const w = new EventFileWriter(dir);
      w.close();
      return w.path.slice(dir.length + 1);
    });
    assert.deepEqual(eventFiles(dir), names);
    assert.match(readFileSync(join(dir, names[0])).subarray(12).toString('latin1'), /brain\.Event:2/);
  });
});

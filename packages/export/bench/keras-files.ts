/**
 * How long a Keras file takes to become ONNX here: read (unzip + HDF5 via h5wasm + config
 * normalization) and export (convert, passes, serialize), per model and format. Median of 5 runs
 * after one warm-up (the first call also compiles h5wasm's wasm: reported separately).
 *   node --import tsx bench/keras-files.ts
 */
import { join } from 'node:path';
import { exportModel } from '../src/export-model.ts';
import { loadKerasModel } from '../src/keras/load.ts';
import { FIXTURES } from '../src/keras/testing.ts';

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const t0 = performance.now();
await loadKerasModel(join(FIXTURES, 'ae-encoder.keras'));
console.log(`first read (includes compiling h5wasm): ${(performance.now() - t0).toFixed(0)} ms`);
console.log('| model | format | read ms | export ms | total ms |\n| --- | --- | --- | --- | --- |');
for (const stem of ['ae-encoder', 'ae-decoder', 'vae-encoder', 'vae-decoder', 'faces-vae-encoder', 'faces-vae-decoder']) {
  for (const ext of ['keras', 'h5']) {
    const file = join(FIXTURES, `${stem}.${ext}`);
    const read: number[] = [];
    const conv: number[] = [];
    for (let i = 0; i < 6; i++) {
      const a = performance.now();
      const source = await loadKerasModel(file);
      const b = performance.now();
      exportModel(source, { role: stem.endsWith('encoder') ? 'encoder' : 'decoder' });
      const c = performance.now();
      if (i > 0) {
        read.push(b - a);
        conv.push(c - b);
      }
    }
    console.log(`| ${stem} | .${ext} | ${median(read).toFixed(0)} | ${median(conv).toFixed(0)} | ${(median(read) + median(conv)).toFixed(0)} |`);
  }
}

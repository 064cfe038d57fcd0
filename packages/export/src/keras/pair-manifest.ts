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
import { KerasFileError } from './errors.ts';

export interface KerasPairShape {
  kind: ModelKind;
  imageShape: ImageShape;
  latentDim: number;
  /** K, the classes of a conditional VAE pair (both models take a one-hot label [K] second). */
  classes?: number;
}

export interface KerasPairTraining {
  epochs: number;
  batchSize: number;
}

/**
 * `labelNames` default to Fashion-MNIST's ten class names for 32x32x1 images; `beta` is the book's
 * for the kind (none for the autoencoder); `engine` names the Keras version(s) the files were saved
 * with and their formats. A conditional pair (shape.classes = K) records spec.conditional.classes:
 * the given labelNames (K of them), else Fashion-MNIST's names when K is 10 and the images are
 * Fashion-shaped (28x28x1 or 32x32x1), else "0" .. "K-1".
 * @throws KerasFileError when labelNames are given for a conditional pair in another number than K.
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
  // (a conditional pair's labelNames are its classes, set below)
  const beta = shape.kind === 'ae' ? undefined : BOOK_DEFAULTS[shape.kind].beta;
  const versions = [...new Set([encoder.info.kerasVersion, decoder.info.kerasVersion].filter(Boolean))];
  let spec = kerasPairSpec(encoder, shape.kind, shape.imageShape, shape.latentDim, beta);
  let preset = PRESET_SPECS[shape.kind].inputShape.join('x') === shape.imageShape.join('x');
  let classNames: string[] | undefined;
  if (shape.classes !== undefined) {
    const k = shape.classes;
    if (names.labelNames && names.labelNames.length !== k) {
      throw new KerasFileError(encoder.info.file, `is a conditional VAE on ${k} classes (its label input is [${k}]); --labels names ${names.labelNames.length}: give ${k} names`);
    }
    const fashion = k === 10 && ['28x28x1', '32x32x1'].includes(shape.imageShape.join('x'));
    classNames = names.labelNames ?? (fashion ? FASHION_MNIST_LABELS : Array.from({ length: k }, (_, i) => String(i)));
    spec = { ...spec, conditional: { classes: classNames } };
    preset = false;
  }
  return {
    format: RUN_FORMAT,
    spec,
    ...(preset ? { kind: shape.kind } : {}),
    latentDim: shape.latentDim,
    imageShape: shape.imageShape,
    ...((classNames ?? labelNames) ? { labelNames: classNames ?? labelNames } : {}),
    ...(names.attributeNames ? { attributeNames: names.attributeNames } : {}),
    data: { name: 'keras', source: `${basename(encoder.info.file)} + ${basename(decoder.info.file)}`, train: 0, validation: 0 },
    epochs: training.epochs,
    batchSize: training.batchSize,
    ...(beta !== undefined ? { beta } : {}),
    engine: `keras ${versions.join(', ') || '(version not stored)'} (${encoder.info.format} + ${decoder.info.format}), converted by latentkit`,
    createdAt: new Date().toISOString(),
  };
}

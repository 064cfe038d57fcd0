/**
 * '@latentkit/models/book-defaults' (also '@latentkit/train/book-defaults'): the book's training settings for each chapter-3 model, the one
 * place `pnpm train`'s defaults, the training loop, the bench and the Keras import of
 * @latentkit/export (a run folder that `pnpm train --resume` continues) take them from.
 *
 * This module loads nothing at run time (type imports only): no TensorFlow.js, no engine, so a package
 * that only needs the numbers does not pull in training.
 *
 * Source: Generative Deep Learning, 2nd ed., ch. 3 notebooks (EPOCHS, BATCH_SIZE, BETA, LEARNING_RATE):
 * notebooks/03_vae/01_autoencoder (EPOCHS 3, BATCH_SIZE 100, compile(optimizer="adam"): Keras Adam's
 * default 1e-3), 02_vae_fashion (EPOCHS 5, BATCH_SIZE 100, BETA 500, Adam(learning_rate=0.0005)),
 * 03_vae_faces (EPOCHS 10, BATCH_SIZE 128, BETA 2000, LEARNING_RATE 0.0005). The Keras reference
 * (scripts/python/book_models.py) holds the same numbers for the Python side.
 */
import type { ModelKind } from '@latentkit/format';

/** One model's training settings. */
export interface BookTrainingDefaults {
  /** Passes over the training set. */
  readonly epochs: number;
  /** Images per optimiser step. */
  readonly batchSize: number;
  /** Adam's learning rate. */
  readonly learningRate: number;
  /** Weight of the reconstruction loss against the KL term (VAEs); 1 for the AE, whose loss has no KL term. */
  readonly beta: number;
}

/** The book's settings per model. */
export const BOOK_DEFAULTS: Readonly<Record<ModelKind, BookTrainingDefaults>> = Object.freeze({
  ae: Object.freeze({ epochs: 3, batchSize: 100, learningRate: 1e-3, beta: 1 }),
  vae: Object.freeze({ epochs: 5, batchSize: 100, learningRate: 5e-4, beta: 500 }),
  'faces-vae': Object.freeze({ epochs: 10, batchSize: 128, learningRate: 5e-4, beta: 2000 }),
});

/**
 * `pnpm train`'s default seed (weights, shuffles, noise); the faces notebook seeds its dataset with 42
 * too. A run folder's checkpoint records its seed, and `--resume` must repeat it.
 */
export const DEFAULT_SEED = 42;

const perKind = (key: keyof BookTrainingDefaults): Readonly<Record<ModelKind, number>> =>
  Object.freeze({ ae: BOOK_DEFAULTS.ae[key], vae: BOOK_DEFAULTS.vae[key], 'faces-vae': BOOK_DEFAULTS['faces-vae'][key] });

/** The book's reconstruction weights (BETA in its notebooks), by model. */
export const DEFAULT_BETA = perKind('beta');

/** The book's learning rates: Keras Adam's default 1e-3 for the AE, 5e-4 for both VAEs. */
export const DEFAULT_LEARNING_RATE = perKind('learningRate');

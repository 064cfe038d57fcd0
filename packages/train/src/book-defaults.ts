/**
 * '@latentkit/train/book-defaults': the book's epochs, batch sizes, learning rates and betas and the
 * default seed, kept under this name for code written before they moved to
 * '@latentkit/models/book-defaults' (import them from there). Loads no TensorFlow.js.
 */
export {
  BOOK_DEFAULTS, DEFAULT_SEED, DEFAULT_BETA, DEFAULT_LEARNING_RATE, type BookTrainingDefaults,
} from '@latentkit/models/book-defaults';

/**
 * Public API of @latentkit/models: the chapter-3 model family as TensorFlow.js layers graphs, and
 * their files. A model spec (@latentkit/format model-spec.ts) or one of the book's three presets
 * becomes an encoder/decoder pair (buildModel); saveModel/loadModel read and write tfjs's layers
 * format; a checkpoint is a pair plus Adam's state and the run's state.json. The other entry,
 * '@latentkit/models/book-defaults', holds the book's training settings and loads no TensorFlow.js.
 *
 * Both @latentkit/train (which trains these graphs) and @latentkit/export (which pairs Keras
 * weights-only files with an architecture and writes resumable run folders from Keras files) build
 * on it; neither imports the other. Importing this package registers the Sampling layer.
 */
export type { ModelPair } from './model-pair.ts';
export { buildModel, isVariational, MODEL_KINDS, type ModelArgs } from './build.ts';
export {
  buildAutoencoder, buildVae, buildFacesVae, buildPreset, LEAKY_RELU_ALPHA,
  type AutoencoderArgs, type VaeArgs, type FacesVaeArgs, type PresetArgs,
} from './presets.ts';
export { buildFromSpec, type SpecModelArgs } from './spec-model.ts';
export { Sampling, type SamplingArgs } from './sampling.ts';
export { classCount, oneHotLabels, cyclingLabels, withLabels } from './conditional.ts';
export { saveModel, loadModel, fileHandler, MODEL_JSON, WEIGHTS_BIN } from './io.ts';
export { Adam, type AdamConfig } from './adam.ts';
export {
  writeCheckpoint, readCheckpoint, hasCheckpoint, upgradeState, CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_V1,
  type Checkpoint, type CheckpointState,
} from './checkpoint.ts';
export {
  BOOK_DEFAULTS, DEFAULT_SEED, DEFAULT_BETA, DEFAULT_LEARNING_RATE, type BookTrainingDefaults,
} from './book-defaults.ts';
export { ValueError, CheckpointError } from './errors.ts';

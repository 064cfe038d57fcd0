/**
 * Public API of @latentkit/train: training, engines, and (re-exported from @latentkit/models, where
 * they live) models and checkpoints. Internals import their siblings directly. The other entries:
 * '@latentkit/train/data' (the book's datasets, re-exported from @latentkit/data), '@latentkit/train/engine'
 * (engine choice) and '@latentkit/train/book-defaults' (the book's epochs, batch sizes, learning rates,
 * betas and the default seed, without loading TensorFlow.js; from @latentkit/models); the run
 * folder's file contract is @latentkit/format.
 *
 * A run: `const engine = await initEngine('auto')`, a Dataset from loadFashionMnist or loadCelebA,
 * then `train({ model, engine, train, validation, outDir, epochs, batchSize })` (`model`: a preset's kind
 * or a model spec, @latentkit/format model-spec.ts). The engine is the
 * object initEngine returns, handed to whatever computes; nothing reads a process-wide "current
 * engine". Errors the caller's input causes carry a `code` starting LATENTKIT_ (errors.ts).
 */
export type * from './types.ts';
export { RUN_FORMAT } from './types.ts';
// The model family (builders, Sampling, tfjs layers files) lives in @latentkit/models, which
// @latentkit/export builds on too; re-exported here so code written against this package keeps working.
export type { ModelPair } from '@latentkit/models';
export {
  buildModel, isVariational, MODEL_KINDS, type ModelArgs,
  buildAutoencoder, buildVae, buildFacesVae, buildPreset, LEAKY_RELU_ALPHA,
  type AutoencoderArgs, type VaeArgs, type FacesVaeArgs, type PresetArgs,
  buildFromSpec, type SpecModelArgs,
  Sampling, type SamplingArgs,
  classCount, oneHotLabels, cyclingLabels, withLabels,
  saveModel, loadModel, fileHandler, MODEL_JSON, WEIGHTS_BIN,
} from '@latentkit/models';
export { qualityReport, psnrDb, REPORT_DEFAULTS, type QualityReportOptions } from './quality/quality-report.ts';
export { KnnClassifier } from './quality/knn.ts';
export { train, evaluate, engineLabel, defaultLearningRate, FACES_MICRO_BATCH, type TrainOptions, type TrainResult } from './training/loop.ts';
export {
  computeGradients, computeGradientsAsync, trainStep, trainStepAsync, evaluateBatch, evaluateBatchAsync, forwardLoss,
  type GradientOptions, type GradientResult,
} from './training/step.ts';
export {
  modelLoss, binaryCrossentropy, meanSquaredError, klDivergence, KERAS_EPSILON, type LossTensors, type LossSpec, type LossWeights,
} from './training/losses.ts';
export {
  BOOK_DEFAULTS, DEFAULT_SEED, DEFAULT_BETA, DEFAULT_LEARNING_RATE, type BookTrainingDefaults,
  Adam, type AdamConfig,
  writeCheckpoint, readCheckpoint, hasCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_V1, type Checkpoint, type CheckpointState,
} from '@latentkit/models';
export { trainableVariables, nonTrainableVariables, allVariables } from './training/weights.ts';
export { batchNoise, noiseSeed } from './training/noise.ts';
export { runPaths, type RunPaths } from './training/run-folder.ts';
export {
  initEngine, activateEngine, isEngineName, ENGINE_NAMES, AUTO_ORDER,
  type EngineInfo, type EngineName, type ConcreteEngine, type InitEngineOptions,
} from './engine/select.ts';
export { loadFashionMnist, FASHION_MNIST_LABELS, loadCelebA, type FashionMnistOptions, type CelebAOptions } from '@latentkit/data';
export {
  TrainError, ValueError, DataError, CacheError, EngineError, CheckpointError, type TrainErrorCode,
} from './errors.ts';

/**
 * Checkpoints: a folder holding everything a run needs to continue exactly where it stopped.
 *
 *   <dir>/encoder/  model.json + weights.bin (tfjs layers model, BN moving statistics included)
 *   <dir>/decoder/  model.json + weights.bin
 *   <dir>/optimizer.json + optimizer.bin   Adam step and moments, keyed like training/weights.ts
 *   <dir>/state.json                       CheckpointState (epoch, seed, best, metrics history)
 *
 * The whole folder is replaced atomically: it is written to a sibling temporary folder, the old one is
 * renamed aside, the new one renamed into place, and the old one removed. A kill at any moment
 * leaves either the old or the new checkpoint complete; readCheckpoint also recovers the aside copy if
 * a kill fell between the two renames.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors.ts';
import { loadModel, saveModel } from '../models/io.ts';
import type { ModelPair } from '../models/model-pair.ts';
import { writeFileAtomic, writeJsonAtomic } from '@latentkit/format/node';
import type { EpochMetrics, ImageShape, ModelKind } from '../types.ts';
import { Adam } from './adam.ts';

/** The `format` of a checkpoint's state.json this version writes and reads. */
export const CHECKPOINT_FORMAT = 'latentkit-checkpoint/1';

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  kind: ModelKind;
  latentDim: number;
  imageShape: ImageShape;
  /** Number of completed epochs (the next epoch to run has this index). */
  epoch: number;
  seed: number;
  batchSize: number;
  learningRate: number;
  beta?: number;
  /** Lowest validation total loss so far and the epoch (1-based) that reached it. */
  best: { epoch: number; valLoss: number } | null;
  /** Metrics of every completed epoch, so metrics.jsonl can be rebuilt on resume. */
  history: EpochMetrics[];
  /** The TensorBoard log folder the run writes (a resume without --logdir continues there); absent before logs existed. */
  logDir?: string;
}

export interface Checkpoint {
  pair: ModelPair;
  optimizer: Adam;
  state: CheckpointState;
}

const OPT_JSON = 'optimizer.json';
const OPT_BIN = 'optimizer.bin';
const STATE_JSON = 'state.json';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeOptimizer(dir: string, optimizer: Adam): Promise<void> {
  const { step, tensors } = optimizer.getState();
  const names = Object.keys(tensors);
  const { data, specs } = await tf.io.encodeWeights(names.map((name) => ({ name, tensor: tensors[name] })));
  await writeFileAtomic(join(dir, OPT_BIN), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  await writeJsonAtomic(join(dir, OPT_JSON), {
    type: 'Adam',
    learningRate: optimizer.learningRate,
    beta1: optimizer.beta1,
    beta2: optimizer.beta2,
    epsilon: optimizer.epsilon,
    step,
    weights: specs,
  });
}

async function readOptimizer(dir: string): Promise<Adam> {
  const path = join(dir, OPT_JSON);
  const meta = JSON.parse(await readFile(path, 'utf8')) as {
    type: string;
    learningRate: number;
    beta1: number;
    beta2: number;
    epsilon: number;
    step: number;
    weights: tf.io.WeightsManifestEntry[];
  };
  if (meta.type !== 'Adam') throw new CheckpointError(dir, `${path}: optimizer type ${meta.type}, expected Adam`);
  const bytes = await readFile(join(dir, OPT_BIN));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const tensors = tf.io.decodeWeights(buffer, meta.weights);
  const optimizer = new Adam(meta);
  optimizer.setState(meta.step, tensors);
  tf.dispose(Object.values(tensors));
  return optimizer;
}

/**
 * Writes a checkpoint folder atomically (see the module comment): the pair's models (weights and BN
 * statistics), the Adam state and `state`. Creates the parent folder. File system errors are thrown
 * as is, after the temporary folder is removed; the previous checkpoint then stays in place.
 */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  const aside = join(parent, `.${basename(dir)}.old-${tag}`);
  try {
    await saveModel(checkpoint.pair.encoder, join(tmp, 'encoder'));
    await saveModel(checkpoint.pair.decoder, join(tmp, 'decoder'));
    await writeOptimizer(tmp, checkpoint.optimizer);
    await writeJsonAtomic(join(tmp, STATE_JSON), checkpoint.state);
    const hadOld = await exists(dir);
    if (hadOld) await rename(dir, aside);
    await rename(tmp, dir);
    if (hadOld) await rm(aside, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The folder to read: `dir` itself, or the complete copy set aside by a write that was killed. */
async function locate(dir: string): Promise<string | undefined> {
  if (await exists(join(dir, STATE_JSON))) return dir;
  const parent = dirname(dir);
  let names: string[] = [];
  try {
    names = await readdir(parent);
  } catch {
    return undefined;
  }
  const prefix = `.${basename(dir)}.old-`;
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    if (await exists(join(parent, name, STATE_JSON))) return join(parent, name);
  }
  return undefined;
}

/** True when readCheckpoint(dir) finds a checkpoint (`dir` itself, or the copy a killed write set aside). Never throws. */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  return (await locate(dir)) !== undefined;
}

/**
 * Reads a checkpoint written by writeCheckpoint (recovering the set-aside copy of a killed write)
 * into a new pair and optimizer on the active engine.
 * @throws CheckpointError (code LATENTKIT_CHECKPOINT) when `dir` holds no checkpoint, its format is
 *   not CHECKPOINT_FORMAT or its optimizer is not Adam; ValueError when a model in it cannot be loaded.
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint> {
  const found = await locate(dir);
  if (found === undefined) throw new CheckpointError(dir, `No checkpoint in ${dir} (state.json missing); nothing to resume`);
  const state = JSON.parse(await readFile(join(found, STATE_JSON), 'utf8')) as CheckpointState;
  if (state.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(found, `${join(found, STATE_JSON)}: format ${String(state.format)}, expected ${CHECKPOINT_FORMAT}`);
  }
  const encoder = await loadModel(join(found, 'encoder'));
  const decoder = await loadModel(join(found, 'decoder'));
  const optimizer = await readOptimizer(found);
  const pair: ModelPair = { kind: state.kind, encoder, decoder, latentDim: state.latentDim, imageShape: state.imageShape };
  return { pair, optimizer, state };
}

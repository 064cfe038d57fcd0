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
import { CheckpointError } from './errors.ts';
import { loadModel, saveModel } from './io.ts';
import type { ModelPair } from './model-pair.ts';
import { writeFileAtomic, writeJsonAtomic } from '@latentkit/format/node';
import { isModelKind, presetOf, presetSpec, modelSpecSchema } from '@latentkit/format';
import type { EpochMetrics, ImageShape, ModelKind, ModelSpec } from '@latentkit/format';
import { Adam } from './adam.ts';

/** The `format` of a checkpoint's state.json this version writes (and reads, with format 1). */
export const CHECKPOINT_FORMAT = 'latentkit-checkpoint/2';
/** Format 1 (before the model spec): `kind` required, no `spec`; upgraded on read to the preset of its kind. */
export const CHECKPOINT_FORMAT_V1 = 'latentkit-checkpoint/1';

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  /** The model spec of the run (format 2). */
  spec: ModelSpec;
  /** The preset the spec is, if any. */
  kind?: ModelKind;
  latentDim: number;
  imageShape: ImageShape;
  /** Number of completed epochs (the next epoch to run has this index). */
  epoch: number;
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Reconstruction weight used (= spec.loss.scale; format 1's name for it). */
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
 * A format-1 state.json (written before the model spec) is upgraded to the preset spec of its kind.
 * @throws CheckpointError (code LATENTKIT_CHECKPOINT) when `dir` holds no checkpoint, its format is
 *   neither CHECKPOINT_FORMAT nor format 1, its spec is invalid, or its optimizer is not Adam; ValueError when a model in it cannot be loaded.
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint> {
  const found = await locate(dir);
  if (found === undefined) throw new CheckpointError(dir, `No checkpoint in ${dir} (state.json missing); nothing to resume`);
  const state = upgradeState(JSON.parse(await readFile(join(found, STATE_JSON), 'utf8')), join(found, STATE_JSON), found);
  const encoder = await loadModel(join(found, 'encoder'));
  const decoder = await loadModel(join(found, 'decoder'));
  const optimizer = await readOptimizer(found);
  const pair: ModelPair = { spec: state.spec, kind: presetOf(state.spec), encoder, decoder, latentDim: state.latentDim, imageShape: state.imageShape };
  return { pair, optimizer, state };
}

/**
 * A parsed state.json -> CheckpointState: format 2 as is (its spec checked), format 1 with `spec` =
 * the preset of its `kind` at its latentDim and reconstruction weight (`beta`).
 * @throws CheckpointError naming `file` for another format, an unknown kind or an invalid spec.
 */
export function upgradeState(json: unknown, file: string, dir: string): CheckpointState {
  const raw = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (raw.format === CHECKPOINT_FORMAT_V1) {
    if (!isModelKind(raw.kind)) throw new CheckpointError(dir, `${file}: format 1 with kind ${String(raw.kind)}, expected ae, vae or faces-vae`);
    const latentDim = typeof raw.latentDim === 'number' ? raw.latentDim : undefined;
    const beta = raw.kind !== 'ae' && typeof raw.beta === 'number' ? raw.beta : undefined;
    return { ...(raw as unknown as CheckpointState), format: CHECKPOINT_FORMAT, spec: presetSpec(raw.kind, { latentDim, lossScale: beta }) };
  }
  if (raw.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(dir, `${file}: format ${String(raw.format)}, expected ${CHECKPOINT_FORMAT} (or ${CHECKPOINT_FORMAT_V1})`);
  }
  const spec = modelSpecSchema.safeParse(raw.spec);
  if (!spec.success) {
    throw new CheckpointError(dir, `${file}: spec: ${spec.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { ...(raw as unknown as CheckpointState), spec: spec.data };
}

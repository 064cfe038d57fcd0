/**
 * Keras model files -> a KerasModelSource that exportModel, composeVae and exportKerasBundle take.
 *
 * - `.keras` (Keras 3): a zip of config.json, metadata.json and model.weights.h5
 *   (keras/src/saving/saving_lib.py); weights by tracking key.
 * - `.h5` (Keras 2 / tf.keras, or Keras 3's legacy writer): HDF5 with a `model_config` attribute
 *   and a `model_weights` group (keras/src/legacy/saving/legacy_h5_format.py); weights by layer name.
 * - `.weights.h5` (Keras 3 `save_weights`): weights only; the architecture comes from one of the
 *   book's models (loadKerasWeights).
 *
 * Files are read whole (the book's models are under 1 MB). Every failure is a KerasFileError naming
 * the file and what was wrong, before anything is written.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { KerasModelSource } from '../model-source.ts';
import { normalizeKerasConfig, parseConfigJson, refusalError, type NormalizedKerasModel } from './config.ts';
import { KerasFileError } from './errors.ts';
import { h5Get, isHdf5, readHdf5, type H5Group } from './hdf5.ts';
import { keras3Weights, legacyWeights, type WeightReader } from './weights.ts';

export type KerasFileFormat = 'keras' | 'h5' | 'weights.h5';

export interface KerasFileInfo {
  file: string;
  format: KerasFileFormat;
  /** As the file says (metadata.json or the HDF5 `keras_version` attribute); undefined if absent. */
  kerasVersion?: string;
  /** Which config dialect the file holds. */
  kerasMajor: 2 | 3;
}

/** A Keras model read from a file: exportable, plus what was read. */
export interface KerasFileSource extends KerasModelSource {
  info: KerasFileInfo;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (b: Uint8Array) => b.length >= 4 && ZIP_MAGIC.every((m, i) => b[i] === m);

export const SAVEDMODEL_ADVICE =
  'a TensorFlow SavedModel is not a Keras file. Re-save it as .keras in the Python that made it: ' +
  'model = tf.keras.models.load_model(PATH) (TF <= 2.15, or tf_keras), then model.save("model.keras"); ' +
  'with Keras 3, a SavedModel holds no Keras config, so rebuild the model in code, load its weights, and model.save("model.keras")';

async function readModelBytes(file: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw new KerasFileError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (info.isDirectory()) {
    if (existsSync(join(file, 'saved_model.pb'))) throw new KerasFileError(file, SAVEDMODEL_ADVICE);
    if (existsSync(join(file, 'model.json'))) throw new KerasFileError(file, 'this is a tfjs model folder, not a Keras file; export it with `pnpm export --run`');
    throw new KerasFileError(file, 'is a folder; expected a .keras or .h5 file');
  }
  const bytes = new Uint8Array(await readFile(file));
  if (!bytes.length) throw new KerasFileError(file, 'is empty (0 bytes)');
  return bytes;
}

/** Why a file that is neither zip nor HDF5 is not a Keras model, as precisely as its bytes say. */
function notKeras(file: string, bytes: Uint8Array): KerasFileError {
  const head = new TextDecoder().decode(bytes.subarray(0, 512));
  if (file.endsWith('saved_model.pb') || file.endsWith('.pb')) return new KerasFileError(file, SAVEDMODEL_ADVICE);
  if (head.trimStart().startsWith('{') && head.includes('modelTopology')) {
    return new KerasFileError(file, 'this is a tfjs model.json, not a Keras file; export its run with `pnpm export --run`');
  }
  return new KerasFileError(file, 'is not a Keras model file: neither a .keras archive (zip) nor an HDF5 .h5 file');
}

function unzip(file: string, bytes: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (err) {
    throw new KerasFileError(file, `the .keras archive is truncated or damaged; the zip cannot be read (${(err as Error).message})`);
  }
}

/** How to read a Keras file. */
export interface KerasLoadOptions {
  /**
   * The class name of a custom VAE sampling layer (two inputs [z_mean, z_log_var], no weights,
   * z = z_mean + exp(0.5 z_log_var) eps) saved under a name other than `Sampling`, e.g.
   * 'Reparameterize' (CLI: --sampling-layer). Never guessed: without it such a layer is refused.
   */
  samplingLayer?: string;
}

function fromParts(file: string, format: KerasFileFormat, kerasVersion: string | undefined, config: unknown, reader: WeightReader, load: KerasLoadOptions): KerasFileSource {
  const model: NormalizedKerasModel = normalizeKerasConfig(config, { file, hasWeights: (l) => reader.hasWeights(l), samplingLayer: load.samplingLayer, collect: true });
  const { refusals } = model;
  return {
    kind: 'keras-source',
    // Unknown classes and options do not stop the read: exportModel converts every other layer and
    // throws one error listing them all, with the converters' own rejections.
    refuse: refusals && ((failures) => refusalError(file, refusals, failures)),
    topology: model.topology,
    writer: model.kerasMajor === 3 ? 'keras3' : 'keras2',
    info: { file, format, kerasVersion, kerasMajor: model.kerasMajor },
    weightsFor(path) {
      const location = model.layers.get(path.join('/'));
      if (!location) throw new KerasFileError(file, `no layer "${path.join('/')}" in the model config`);
      return reader.weightsOf(location);
    },
  };
}

async function loadKerasArchive(file: string, bytes: Uint8Array, load: KerasLoadOptions): Promise<KerasFileSource> {
  const entries = unzip(file, bytes);
  const names = Object.keys(entries);
  if (names.some((n) => n.endsWith('saved_model.pb'))) throw new KerasFileError(file, SAVEDMODEL_ADVICE);
  if (!entries['config.json']) {
    throw new KerasFileError(file, `is a zip but not a Keras 3 .keras archive: no config.json (it holds ${names.slice(0, 8).join(', ') || 'nothing'})`);
  }
  const config = parseConfigJson(new TextDecoder().decode(entries['config.json']), file, 'config.json');
  let kerasVersion: string | undefined;
  if (entries['metadata.json']) {
    const meta = parseConfigJson(new TextDecoder().decode(entries['metadata.json']), file, 'metadata.json') as { keras_version?: string };
    kerasVersion = meta.keras_version;
  }
  let root: H5Group;
  if (entries['model.weights.h5']) root = await readHdf5(entries['model.weights.h5'], `${file}/model.weights.h5`);
  else if (entries['model.weights.npz']) throw new KerasFileError(file, 'stores its weights as model.weights.npz; only model.weights.h5 (Keras\'s default) is supported');
  else throw new KerasFileError(file, 'has no model.weights.h5: the archive is incomplete');
  return fromParts(file, 'keras', kerasVersion, config, keras3Weights(root, `${file}/model.weights.h5`, true), load);
}

async function loadLegacyH5(file: string, root: H5Group, load: KerasLoadOptions): Promise<KerasFileSource> {
  const rawConfig = root.attrs.model_config;
  if (rawConfig === undefined) {
    if (root.children.has('layers') || root.attrs.layer_names !== undefined) {
      throw new KerasFileError(file, 'holds weights only (no model config); name the architecture: --keras-weights FILE --arch ae-encoder|ae-decoder|vae-encoder|vae-decoder|faces-vae-encoder|faces-vae-decoder');
    }
    throw new KerasFileError(file, 'is an HDF5 file but not a Keras model: no model_config attribute');
  }
  const text = rawConfig instanceof Uint8Array ? new TextDecoder().decode(rawConfig) : String(rawConfig);
  const config = parseConfigJson(text, file, 'the model_config attribute');
  const weights = h5Get(root, 'model_weights');
  if (weights?.kind !== 'group') throw new KerasFileError(file, 'has a model config but no model_weights group (saved without weights?)');
  const version = root.attrs.keras_version ?? weights.attrs.keras_version;
  return fromParts(file, 'h5', version === undefined ? undefined : String(version), config, legacyWeights(weights, 'model_weights', file), load);
}

/**
 * Read a `.keras` or `.h5` Keras model file. The format is taken from the bytes, not the name.
 * @throws KerasFileError for missing, truncated, damaged or unsupported files (with advice for SavedModels).
 */
export async function loadKerasModel(file: string, load: KerasLoadOptions = {}): Promise<KerasFileSource> {
  const bytes = await readModelBytes(file);
  if (isZip(bytes)) return loadKerasArchive(file, bytes, load);
  if (isHdf5(bytes)) return loadLegacyH5(file, await readHdf5(bytes, file), load);
  throw notKeras(file, bytes);
}

/** Read a weights-only file (Keras 3 `.weights.h5`) as an HDF5 tree; see arch.ts for pairing it with an architecture. */
export async function readKerasWeightsFile(file: string): Promise<H5Group> {
  const bytes = await readModelBytes(file);
  if (isZip(bytes)) throw new KerasFileError(file, 'is a .keras archive, which holds its own architecture; pass it with --keras, not --keras-weights');
  if (!isHdf5(bytes)) throw notKeras(file, bytes);
  const root = await readHdf5(bytes, file);
  if (root.attrs.model_config !== undefined) throw new KerasFileError(file, 'is a whole model (it has a model config); pass it with --keras, not --keras-weights');
  if (!root.children.has('layers')) {
    throw new KerasFileError(file, 'is not a Keras 3 weights file (no layers/ group); legacy save_weights .h5 files are not supported, re-save with model.save_weights("x.weights.h5") in Keras 3');
  }
  return root;
}

/**
 * A served bundle (encoder.onnx, decoder.onnx, vae.onnx, manifest.json) from a Keras encoder +
 * decoder pair, laid out like `pnpm export` writes for a Latentkit run, so `pnpm serve` and the
 * explorer load it unchanged. What Keras files do not store (the model kind, label and attribute
 * names) comes from options, with the book's defaults.
 *
 * Every model is built (and latents.json checked) before the first file is written; files are written atomically, manifest.json
 * last. A bad input therefore leaves the output folder untouched.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  BUNDLE_FILES, BUNDLE_MODELS, FormatError, parseBundleManifest, parseLatents,
  type BundleManifest, type BundleModel, type ImageShape, type ModelKind,
} from '@latentkit/format';
import { describeModel, type RunExportOptions } from '../bundle/export-run.ts';
import { writeFileAtomic } from '@latentkit/format/node';
import { manifestMetadata } from '../bundle/metadata.ts';
import { buildModelProto } from '../export-model.ts';
import { composeVae, inputShapeOf, modelConfig } from '../model-source.ts';
import { resolveOptions } from '../options.ts';
import { encodeModel } from '../proto/onnx-proto.ts';
import type { ModelProto } from '../proto/onnx-types.ts';
import { loadKerasWeights } from './arch.ts';
import { KerasFileError } from './errors.ts';
import { loadKerasModel, type KerasFileSource } from './load.ts';
import { kerasPairManifest, type KerasPairShape } from './pair-manifest.ts';

/** A Keras encoder/decoder pair and what the files cannot say about it (bundle and run-folder forms). */
export interface KerasPairOptions {
  /** A `.keras`/`.h5` model file (or `.weights.h5` with `kind`), or an already loaded source. */
  encoder: string | KerasFileSource;
  decoder: string | KerasFileSource;
  /** Default: 'ae' for a one-output encoder, 'faces-vae' for 64x64x3 images, else 'vae'. */
  kind?: ModelKind;
  /** Default: Fashion-MNIST's ten class names for 32x32x1 images, none otherwise. */
  labelNames?: string[];
  /** Names of attribute vectors (faces); default none. */
  attributeNames?: string[];
}

export interface KerasBundleOptions extends KerasPairOptions, Omit<RunExportOptions, 'precision' | 'calibration'> {
  /**
   * 'fp32' (default) or 'fp16'. int8 calibrates on a run's held-out data: write a run folder from the
   * Keras files first (`writeKerasRunFolder`, `--tfjs-run`), then export it with precision 'int8'.
   */
  precision?: 'fp32' | 'fp16';
  /** The bundle folder, e.g. runs/my-keras-vae/bundle. */
  outDir: string;
  /** Which of encoder.onnx, decoder.onnx, vae.onnx to write (default all three). */
  models?: readonly BundleModel[];
  /** Epochs the Keras model was trained for (Keras files do not store it; default 0 = unknown). */
  epochs?: number;
  /**
   * A latents.json for the explorer's latent plane (2-d models): { points: [[x, y, label], ...],
   * labelNames? }, e.g. the encoder's z_mean of test images computed in Keras. Copied after validation.
   */
  latents?: string;
}

export interface KerasBundleResult {
  outDir: string;
  files: string[];
  manifest: BundleManifest;
  /** Milliseconds: reading both Keras files, and building + serializing each model. */
  timings: { read: number } & Partial<Record<BundleModel, number>>;
}

export async function loadPairPart(file: string | KerasFileSource, part: 'encoder' | 'decoder', kind: ModelKind | undefined): Promise<KerasFileSource> {
  if (typeof file !== 'string') return file;
  if (file.endsWith('.weights.h5')) {
    if (!kind) throw new KerasFileError(file, `is weights only; give the model kind (--kind ae|vae|faces-vae) so the book's ${part} architecture can hold them`);
    return loadKerasWeights(file, `${kind}-${part}`);
  }
  return loadKerasModel(file);
}

function outputCount(source: KerasFileSource): number {
  return modelConfig(source.topology, source.info.file).output_layers?.length ?? 1;
}

/** A latents.json, checked (@latentkit/format's latents schema), for a 2-d latent space. */
async function readLatents(file: string, latentDim: number): Promise<string> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new KerasFileError(file, `cannot read it as JSON (${(err as Error).message})`);
  }
  if (latentDim !== 2) throw new KerasFileError(file, `latents.json is for 2-d latent spaces; this model's is ${latentDim}-d`);
  try {
    return JSON.stringify(parseLatents(json, file));
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    throw new KerasFileError(file, `expected { points: [[x, y, label], ...], labelNames? } with finite numbers and integer labels; ${e.issues[0]}`);
  }
}

/** Kind, image shape and latent size of an encoder + decoder pair, checked against each other. */
/** The shape [K] of a model's second input (a conditional pair's one-hot label), or undefined with one input. */
function labelInput(source: KerasFileSource): (number | null)[] | undefined {
  const cfg = modelConfig(source.topology, source.info.file);
  const inputs = cfg.input_layers ?? [];
  if (inputs.length < 2) return undefined;
  if (inputs.length > 2) throw new KerasFileError(source.info.file, `takes ${inputs.length} inputs; an encoder or decoder takes one (or two for a conditional VAE: then the one-hot label second)`);
  const layer = cfg.layers.find((l) => l.config.name === inputs[1]![0]);
  const shape = (layer?.config.batch_input_shape ?? (layer?.config as { batch_shape?: (number | null)[] })?.batch_shape) as (number | null)[] | undefined;
  return shape?.slice(1);
}

/**
 * Kind, image shape and latent size of a pair, and K for a conditional VAE pair (two-input encoder
 * [image, label] and decoder [z, label], label a one-hot [K] vector).
 * @throws KerasFileError naming the file for shapes that do not fit an encoder/decoder pair.
 */
export function describePair(encoder: KerasFileSource, decoder: KerasFileSource, kindOption?: ModelKind): KerasPairShape {
  const imageShape = inputShapeOf(encoder.topology, encoder.info.file);
  const latentShape = inputShapeOf(decoder.topology, decoder.info.file);
  if (imageShape.length !== 3 || imageShape.some((d) => d === null)) {
    throw new KerasFileError(encoder.info.file, `the encoder's input must be an image [H, W, C] with known sizes, received [${imageShape}]`);
  }
  if (latentShape.length !== 1 || latentShape[0] === null) {
    throw new KerasFileError(decoder.info.file, `the decoder's input must be a latent vector [latentDim], received [${latentShape}]`);
  }
  const nOut = outputCount(encoder);
  const kind = kindOption ?? inferKind(nOut, imageShape);
  if (kind === 'ae' ? nOut !== 1 : nOut !== 2 && nOut !== 3) {
    throw new KerasFileError(encoder.info.file, `a ${kind} encoder has ${kind === 'ae' ? '1 output (z)' : '2 or 3 outputs (z_mean, z_log_var[, z])'}, this one has ${nOut}`);
  }
  const encLabel = labelInput(encoder);
  const decLabel = labelInput(decoder);
  if (encLabel === undefined && decLabel === undefined) return { kind, imageShape: imageShape as ImageShape, latentDim: latentShape[0] as number };
  const classes = encLabel?.[0];
  if (encLabel?.length !== 1 || decLabel?.length !== 1 || typeof classes !== 'number' || decLabel[0] !== classes || classes < 2) {
    throw new KerasFileError(
      encLabel === undefined ? encoder.info.file : decoder.info.file,
      `a conditional VAE pair takes a one-hot label [K] (K >= 2) as the second input of both models; the encoder's is [${encLabel ?? 'none'}], the decoder's [${decLabel ?? 'none'}]`,
    );
  }
  if (kind === 'ae') throw new KerasFileError(encoder.info.file, 'a two-input encoder is read as a conditional VAE, which has 2 or 3 outputs (z_mean, z_log_var[, z]); this one has 1');
  return { kind, imageShape: imageShape as ImageShape, latentDim: latentShape[0] as number, classes };
}

export function inferKind(encoderOutputs: number, imageShape: (number | null)[]): ModelKind {
  if (encoderOutputs === 1) return 'ae';
  return imageShape.join('x') === '64x64x3' ? 'faces-vae' : 'vae';
}

/**
 * Exports a Keras encoder + decoder pair (.keras, .h5, or .weights.h5 with `kind`) as a Latentkit
 * bundle in `outDir`: encoder.onnx, decoder.onnx, vae.onnx, manifest.json (and latents.json when
 * given), each written atomically after every model converted. Returns the files and the time each
 * stage took, in ms.
 * @throws KerasFileError (an ExportError) for a file that is missing, damaged or unsupported, a pair
 *   whose shapes do not fit together, or a layer the exporter cannot convert; ExportError for bad
 *   options.
 */
export async function exportKerasBundle(options: KerasBundleOptions): Promise<KerasBundleResult> {
  const opts = resolveOptions(options);
  const t0 = performance.now();
  const encoder = await loadPairPart(options.encoder, 'encoder', options.kind);
  const decoder = await loadPairPart(options.decoder, 'decoder', options.kind);
  const timings: KerasBundleResult['timings'] = { read: performance.now() - t0 };

  const shape = describePair(encoder, decoder, options.kind);
  const { imageShape, latentDim } = shape;
  const manifest = kerasPairManifest(encoder, decoder, shape, options, { epochs: options.epochs ?? 0, batchSize: 0 });
  const metadata = manifestMetadata(manifest, basename(join(options.outDir, '..')));

  // Build everything first: a failure here writes nothing.
  const built = new Map<BundleModel, { proto: ModelProto; bytes: Uint8Array }>();
  for (const which of options.models ?? BUNDLE_MODELS) {
    const t = performance.now();
    const model = which === 'encoder' ? encoder : which === 'decoder' ? decoder : composeVae(encoder, decoder);
    let proto: ModelProto;
    try {
      proto = buildModelProto(model, { ...options, role: which, metadata });
    } catch (err) {
      if (err instanceof KerasFileError) throw err;
      const file = which === 'decoder' ? decoder.info.file : encoder.info.file;
      throw new KerasFileError(file, `cannot convert the ${which}: ${(err as Error).message}`);
    }
    built.set(which, { proto, bytes: encodeModel(proto) });
    timings[which] = performance.now() - t;
  }
  const decoderInfo = built.get('decoder') && describeModel(built.get('decoder')!.proto, 'decoder.onnx');
  const imageOut = decoderInfo?.outputs[0]?.shape.slice(1);
  const wantImage = opts.layout === 'nchw' ? [imageShape[2], imageShape[0], imageShape[1]] : imageShape;
  if (imageOut && JSON.stringify(imageOut) !== JSON.stringify(wantImage)) {
    throw new KerasFileError(decoder.info.file, `the decoder outputs [${imageOut}] per sample, but the encoder takes [${wantImage}]; are they from the same model?`);
  }

  const latents = options.latents === undefined ? undefined : await readLatents(options.latents, latentDim);

  const files: BundleManifest['onnx']['files'] = {};
  const written: string[] = [];
  for (const [which, { proto, bytes }] of built) {
    const file = BUNDLE_FILES[which];
    await writeFileAtomic(join(options.outDir, file), bytes);
    written.push(join(options.outDir, file));
    files[which] = describeModel(proto, file);
  }
  if (latents) {
    await writeFileAtomic(join(options.outDir, BUNDLE_FILES.latents), latents);
    written.push(join(options.outDir, BUNDLE_FILES.latents));
  }
  const manifestPath = join(options.outDir, BUNDLE_FILES.manifest);
  const bundle = parseBundleManifest({ ...manifest, onnx: { opset: opts.opset, precision: opts.precision, layout: opts.layout, producer: 'latentkit', files } }, manifestPath);
  await writeFileAtomic(manifestPath, `${JSON.stringify(bundle, null, 2)}\n`);
  written.push(manifestPath);
  return { outDir: options.outDir, files: written, manifest: bundle, timings };
}

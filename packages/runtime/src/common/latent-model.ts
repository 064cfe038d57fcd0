/**
 * The LatentModel contract: one API in Node and the browser. The class is in latent-model-impl.ts.
 * All results are plain Float32Arrays with a batch-first shape; images are NHWC in [0, 1].
 */
import type { BundleManifest } from './manifest.ts';
import type { TensorData } from './tensor-data.ts';
import type { Device } from './device.ts';
import type { LatentPca } from '@latentkit/format';
import type { Interpolation } from './interpolate.ts';
import type { TraverseDirection } from './traverse.ts';
import type { ClassInput } from './classes.ts';

export type { ClassInput, Interpolation, LatentPca, TraverseDirection };

/**
 * The class of a conditional VAE (bundle manifest spec.conditional.classes): by name or index, one
 * for every row or one per row. Required by a conditional model; an unconditional one refuses it
 * (ClassError, an InputError naming the field `class` and the valid classes).
 */
export interface ClassOptions {
  class?: ClassInput | readonly ClassInput[];
}

/** Latents: a [N, latentDim] tensor, a flat Float32Array of N * latentDim, or N rows of numbers. */
export type LatentInput = TensorData | Float32Array | readonly (readonly number[])[] | readonly number[][];

/** Images: a [N, H, W, C] tensor in [0, 1], or a flat Float32Array of N * H * W * C. */
export type ImageInput = TensorData | Float32Array;

export interface LoadOptions {
  /** Default 'auto'. Node: CUDA if it loads, else CPU (said once). Browser: WebGPU if present, else wasm. */
  device?: Device;
  /** Largest batch one session run gets; bigger inputs are split. Default 256. */
  maxSessionBatch?: number;
}

export interface SampleOptions extends ClassOptions {
  /** An integer in [0, 2^32 - 1] (seed.ts): same seed -> same latents, in Node and the browser. Default: a random seed (reported back). */
  seed?: number;
  /** Scales the N(0, 1) draws; 1 (default) is the prior, < 1 sharper and less varied. */
  temperature?: number;
}

export interface SampleResult {
  z: TensorData;
  images: TensorData;
  seed: number;
}

export interface EncodeResult {
  /** [N, latentDim]. For a plain autoencoder, the code z itself. */
  mean: TensorData;
  /** [N, latentDim] log variance for a VAE; null for a plain autoencoder. */
  logVar: TensorData | null;
}

export interface MorphOptions extends ClassOptions {
  /** Include t = 1 (default true). false gives the book's t = 0, 1/steps, ..., (steps-1)/steps. */
  endpoint?: boolean;
  /**
   * 'linear' (default; the book's morph_faces): z_a (1 - t) + z_b t. 'slerp': the great-circle path of
   * White 2016 (interpolate.ts: endpoints kept, equal norms kept, the angle linear in t; zero or
   * parallel vectors fall back to the line).
   */
  interpolation?: Interpolation;
}

export interface MorphResult {
  /** The mixing weights, exactly i / (steps - 1) (or i / steps without the endpoint), in double precision. */
  t: Float64Array;
  z: TensorData;
  images: TensorData;
}

export interface TraverseOptions extends ClassOptions {
  /** Walk from -k to +k standard deviations along the direction (default 3); finite, > 0. */
  k?: number;
  /** Images along the walk, ends included (default 7); an integer >= 2. */
  steps?: number;
}

export interface TraverseResult {
  /** The offsets s_i = linspace(-k, k, steps), in standard deviations, double precision. */
  offsets: Float64Array;
  /** The unit direction u (latentDim values). */
  direction: Float32Array;
  /** One standard deviation along u in latent units: 1 for a dimension, sqrt(explained variance) for a component. */
  sd: number;
  /** [steps, latentDim]: base + s_i * sd * u. */
  z: TensorData;
  images: TensorData;
}

export interface AttributeVectorOptions {
  /** Batch size of the running means (book: 128). */
  batchSize?: number;
  /** Stop when the positive and negative means together move less than this in a batch (book: 0.08). */
  threshold?: number;
  /** Seed of the batch shuffle and of the sampled z. Default 0. */
  seed?: number;
}

export interface AttributeVectorResult {
  /** Unit vector mean(z | +1) - mean(z | -1). */
  vector: Float32Array;
  /** Norm of the difference before normalising. */
  distance: number;
  positives: number;
  negatives: number;
  batches: number;
  /** False when the data ran out before the means settled. */
  converged: boolean;
}

export interface GridOptions extends ClassOptions {
  /** Images per side (default 10). */
  size?: number;
  /** Grid range on both latent axes (default [-2, 2]: +-2 standard deviations of the prior). */
  range?: [number, number];
}

export interface GridResult {
  /** [size * size, 2], row-major from the top-left; y decreases down the rows. */
  z: TensorData;
  images: TensorData;
  size: number;
}

export interface LatentModel {
  readonly manifest: BundleManifest;
  readonly latentDim: number;
  /** [H, W, C] */
  readonly imageShape: readonly [number, number, number];
  /** The execution provider the decoder runs on, after any fallback (e.g. 'cpu' when 'cuda' was asked). */
  readonly provider: string;
  readonly hasEncoder: boolean;
  /** Stored attribute vectors from attributes.json, by name. */
  readonly attributes: Readonly<Record<string, Float32Array>>;
  /** Principal components of the encoded validation set (latents.json `pca`, written at export); null when the bundle has none. */
  readonly pca: LatentPca | null;
  /** A conditional VAE's class names (index = label); undefined for an unconditional model. */
  readonly classes: readonly string[] | undefined;

  /** N(0, temperature^2) latents, seeded; no decoding. */
  sampleLatents(n: number, options?: SampleOptions): { z: TensorData; seed: number };
  sample(n: number, options?: SampleOptions): Promise<SampleResult>;
  /** Images of latents z; a conditional model decodes them as `options.class`. */
  decode(z: LatentInput, options?: ClassOptions): Promise<TensorData>;
  /** Latent means (and log variances) of images; a conditional model encodes them as `options.class`. */
  encode(images: ImageInput, options?: ClassOptions): Promise<EncodeResult>;
  /** decode(encode(images).mean), both with `options.class`. */
  reconstruct(images: ImageInput, options?: ClassOptions): Promise<TensorData>;
  /** z_a * (1 - t) + z_b * t (or slerp, options.interpolation) for `steps` values of t; a and b are latents or single images (encoded as options.class). */
  morph(a: Float32Array | readonly number[] | TensorData, b: Float32Array | readonly number[] | TensorData, steps: number, options?: MorphOptions): Promise<MorphResult>;
  /**
   * One latent direction (a dimension, or a principal component of `pca`) from -k to +k standard
   * deviations around `base` (a latent, or one image, encoded to its mean). traverse.ts has the formula.
   * @throws InputError for an index out of range, a component without `pca`, k or steps out of range.
   */
  traverse(base: Float32Array | readonly number[] | TensorData, direction: TraverseDirection, options?: TraverseOptions): Promise<TraverseResult>;
  /** The book's get_vector_from_label over images with +1/-1 labels (0 and false count as -1). */
  attributeVector(images: ImageInput, labels: ArrayLike<number | boolean>, options?: AttributeVectorOptions): Promise<AttributeVectorResult>;
  /** For every z row and every factor f: decode(z + f * vector). Output rows are z-major. */
  applyAttribute(z: LatentInput, vector: Float32Array | readonly number[] | string, factors: readonly number[]): Promise<{ z: TensorData; images: TensorData }>;
  /** A size x size grid over a 2-d latent space. */
  latentGrid(options?: GridOptions): Promise<GridResult>;
  /** Releases the sessions; any later call throws DisposedError. */
  dispose(): Promise<void>;
}

export interface LatentModelConstructor {
  /** Load a bundle: a folder path (Node), a URL, or in-memory files { 'manifest.json', 'decoder.onnx', ... }. */
  load(source: import('./bundle.ts').BundleSource, options?: LoadOptions): Promise<LatentModel>;
}

import type { BundleManifest, Latents } from '@latentkit/format';
import type { Interpolation } from '@latentkit/runtime/web';

export type { Interpolation };

/**
 * What the explorer views need from a loaded bundle. `src/model/load-bundle.ts` builds it from the
 * runtime's LatentModel plus the bundle's side files; the views never touch onnxruntime.
 */
export type { BundleManifest, ImageShape, Latents as LatentScatter } from '@latentkit/format';

export interface BackendInfo {
  /** The execution provider that runs the decoder: 'webgpu' or 'wasm'. */
  provider: string;
  /** wasm threads in use (1 when the page is not cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
}

export interface ExplorerModel {
  readonly src: string;
  /** The bundle's precision (manifest onnx.precision; fp32 when absent). */
  readonly precision: string;
  readonly manifest: BundleManifest;
  readonly backend: BackendInfo;
  readonly latents?: Latents;
  /** Unit attribute vectors of the faces VAE, by name. */
  readonly attributes?: Record<string, Float32Array>;
  /** Milliseconds spent loading (fetch or cache + session creation). */
  readonly loadMs: number;
  /** Bytes that came from the Cache API vs. the network during this load. */
  readonly bytesFromCache: number;
  readonly bytesFromNetwork: number;
  /** A conditional VAE's class names (manifest spec.conditional.classes); undefined otherwise. */
  readonly classes?: readonly string[];
  /**
   * The class every decode below uses (conditional VAEs; index into `classes`, 0 at load). Set it
   * and re-render the views to see another class.
   */
  classIndex: number;
  /**
   * The same loaded model with its own class (0-based index into `classes`): elements sharing one
   * bundle each pick their class on their own copy. @throws RangeError for an index out of range.
   */
  withClass(index: number): ExplorerModel;
  /**
   * A class x sample grid (conditional VAEs): `perClass` latents z_1..z_n ~ N(0, 1) (seeded), each
   * decoded in every class; images row-major, class after class (row c = class c).
   */
  classGrid(perClass: number, seed: number): Promise<Float32Array>;
  /** `count` latent vectors (flat, count x latentDim) -> images (flat, count x H x W x C). */
  decode(z: Float32Array, count: number): Promise<Float32Array>;
  /** Random latents from N(0, temperature^2) and their images. */
  sample(count: number, temperature: number, seed: number): Promise<{ z: Float32Array; images: Float32Array }>;
  /** Images along the path a -> b at the given fractions: the straight line (default) or slerp (the runtime's interpolate.ts). */
  morph(a: Float32Array, b: Float32Array, fractions: number[], interpolation?: Interpolation): Promise<Float32Array>;
  /** n x n images over [x0, x1] x [y0, y1] (rows from y1 at the top down to y0). 2-d models only. */
  grid(n: number, extent: Extent, onRow?: (row: number, images: Float32Array) => void): Promise<Float32Array>;
  /** Image of z + sum(amount_i * vector_i). */
  applyAttributes(z: Float32Array, amounts: Record<string, number>): Promise<Float32Array>;
}

export interface Extent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Events the explorer reports; the custom elements re-dispatch them as DOM CustomEvents. */
export interface DecodedDetail {
  /** Which view decoded: 'plane' | 'pc-plane' | 'grid' | 'samples' | 'morph' | 'morph-strip' | 'attributes'. */
  view: string;
  /** Milliseconds the decode took. */
  ms: number;
  /** The latent point(s) decoded, when there is one point (plane, morph, attributes). */
  z?: number[];
  /** Morph fraction, 0..1. */
  t?: number;
  /** Morph: the path taken, and the norm of the latent decoded. */
  interpolation?: 'linear' | 'slerp';
  norm?: number;
  /** Principal-component plane: the point (PC1, PC2) under the pointer, and the next components' sliders (standard deviations). */
  pc?: number[];
  sliders?: number[];
}

export interface ReadyDetail {
  src: string;
  provider: string;
  threads: number;
  crossOriginIsolated: boolean;
  kind: string;
  latentDim: number;
  /** The bundle's precision: 'fp32', 'fp16', 'int8', … */
  precision: string;
  loadMs: number;
  bytesFromCache: number;
  bytesFromNetwork: number;
}

export interface FirstImageDetail {
  /** performance.now() when the first decoded image was on a canvas: ms since navigation start. */
  sinceNavigationMs: number;
  provider: string;
}

export type Emit = {
  (type: 'latent-ready', detail: ReadyDetail): void;
  (type: 'latent-decoded', detail: DecodedDetail): void;
  (type: 'latent-first-image', detail: FirstImageDetail): void;
  (type: 'latent-error', detail: { message: string }): void;
};

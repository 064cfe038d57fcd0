/**
 * How the app turns uploads into model pixels and pixels into PNG. The default is the pure PNG codec
 * (no native code: runs at the edge). Node's server passes sharp's codec (src/node/images.ts) for JPEG,
 * WebP and resizing.
 */
import { decodePng, encodePng, webDeflate, type Deflate, type RawImage } from '../common/png.ts';
import { toModelPixels } from '../common/pixels.ts';

export interface ImageCodec {
  /** Content types decode() understands, e.g. ['image/png']. */
  readonly accepts: readonly string[];
  /** Uploaded bytes -> model pixels of `shape` ([H, W, C], floats in [0, 1]); throws InputError when it cannot. */
  decode(bytes: Uint8Array, shape: readonly [number, number, number], what: string): Promise<Float32Array>;
  encodePng(image: RawImage): Promise<Uint8Array>;
  /**
   * The image's width and height from its header, without decoding, for formats that
   * common/image-header.ts does not read (e.g. sharp's TIFF, AVIF); null when unknown.
   */
  size?(bytes: Uint8Array): Promise<{ width: number; height: number } | null>;
}

export function pngCodec(deflate: Deflate = webDeflate): ImageCodec {
  return {
    accepts: ['image/png'],
    async decode(bytes, shape, what) {
      // Exact size required (no resampler here), so anything larger than the model's image is refused early.
      const raw = await decodePng(bytes, { maxPixels: shape[0] * shape[1] });
      return toModelPixels(raw, shape, what);
    },
    encodePng: (image) => encodePng(image, deflate),
  };
}

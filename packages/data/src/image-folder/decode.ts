/**
 * One image file -> uint8 pixels of the model's size, with sharp (libvips):
 * - GIF and other multi-page files: the first frame (sharp's default page 0).
 * - Alpha is dropped (not composited): RGBA -> RGB, grey+alpha -> grey.
 * - channels 1: converted to grey (libvips b-w: Rec. 601 luma); channels 3: grey images are
 *   repeated on R, G and B (sRGB). 16-bit images are scaled to 8 bits.
 * - fit 'squash' resizes to exactly height x width ignoring the aspect ratio, as Keras's
 *   image_dataset_from_directory does (crop_to_aspect_ratio=False); 'crop' covers the size and
 *   crops the centre; 'pad' fits inside and pads with black. Resampling: sharp's default lanczos3
 *   when shrinking (Keras: bilinear), so pixels differ from Keras's slightly.
 */
import sharp from 'sharp';

export type Fit = 'squash' | 'crop' | 'pad';
export const FITS: readonly Fit[] = ['squash', 'crop', 'pad'];

export interface DecodeTarget {
  height: number;
  width: number;
  channels: 1 | 3;
  fit: Fit;
}

export interface Decoded {
  /** height x width x channels bytes, HWC. */
  pixels: Uint8Array;
  /** The file had an alpha channel, which was dropped. */
  hadAlpha: boolean;
}

const SHARP_FIT = { squash: 'fill', crop: 'cover', pad: 'contain' } as const;

/**
 * Decodes `file` to `target` (see the module comment).
 * @throws whatever sharp throws for a file it cannot read or decode (the caller counts and skips it).
 */
export async function decodeImage(file: string, target: DecodeTarget): Promise<Decoded> {
  const image = sharp(file, { failOn: 'error', pages: 1 });
  const meta = await image.metadata();
  let pipeline = image
    .removeAlpha()
    .resize(target.width, target.height, { fit: SHARP_FIT[target.fit], background: { r: 0, g: 0, b: 0 } });
  pipeline = target.channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== target.width || info.height !== target.height || info.channels !== target.channels) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${target.width}x${target.height}x${target.channels}`);
  }
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), hadAlpha: meta.hasAlpha === true };
}

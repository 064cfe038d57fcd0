/**
 * Images in a request: multipart/form-data (one or more files, any field names or the named ones),
 * or one raw image body (Content-Type image/png, image/jpeg, ...). Returns model pixels.
 */
import type { Context } from 'hono';
import { InputError } from '../common/errors.ts';
import { httpError } from './errors.ts';
import type { ImageCodec } from './image-codec.ts';
import { readImageSize } from '../common/image-header.ts';
import { MultipartError, parseMultipart, type MultipartPart } from './multipart.ts';

export interface UploadedImages {
  pixels: Float32Array;
  count: number;
  /** Multipart field name of each image, in order. */
  fields: string[];
}

/**
 * Reads the uploaded images and decodes them to model pixels, after checking the pixels their headers
 * declare: more than `maxPixels` in total is a 413 (too_many_pixels) before any decoding (sizes from
 * common/image-header.ts, else the codec's header reader). Throws HTTPException (400, 413, 415, 422).
 */
export async function readImages(c: Context, codec: ImageCodec, shape: readonly [number, number, number], maxImages: number, maxPixels = Infinity): Promise<UploadedImages> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const parts: { field: string; bytes: Uint8Array; type: string }[] = [];
  if (type.startsWith('multipart/form-data')) {
    let all: MultipartPart[];
    try {
      all = parseMultipart(new Uint8Array(await c.req.arrayBuffer()), c.req.header('content-type') ?? '', maxImages + 64); // the boundary keeps its case
    } catch (e) {
      if (!(e instanceof MultipartError)) throw e;
      throw httpError(400, 'invalid_multipart', `The multipart body could not be parsed: ${e.message}.`);
    }
    for (const part of all) {
      if (part.filename === undefined) continue; // a plain form field, not a file
      if (parts.length >= maxImages) throw httpError(400, 'too_many_images', `At most ${maxImages} images per request.`);
      parts.push({ field: part.field, bytes: part.bytes, type: part.type });
    }
  } else if (codec.accepts.some((t) => type.startsWith(t)) || type.startsWith('application/octet-stream')) {
    parts.push({ field: 'body', bytes: new Uint8Array(await c.req.arrayBuffer()), type });
  } else {
    throw httpError(415, 'unsupported_media_type', `Send images as multipart/form-data or as a raw body with Content-Type ${codec.accepts.join(' or ')}; got ${type || 'no Content-Type'}.`);
  }
  if (parts.length === 0) throw httpError(400, 'no_images', 'The request holds no image files; attach at least one (e.g. curl -F image=@x.png).');
  let declared = 0;
  for (let i = 0; i < parts.length; i++) {
    const what = `image ${i + 1} (field "${parts[i].field.slice(0, 40)}")`;
    if (parts[i].bytes.length === 0) throw httpError(400, 'empty_image', `${what} is empty.`);
    // No size from the header: no decoder reads it either (sharp's header reader is its decoders'), so
    // the decode below fails with its own message; the PNG codec caps pixels itself.
    const dims = readImageSize(parts[i].bytes) ?? (await codec.size?.(parts[i].bytes)) ?? { width: shape[1], height: shape[0] };
    declared += dims.width * dims.height;
    if (declared > maxPixels) {
      throw httpError(413, 'too_many_pixels', `The uploaded images declare more than ${maxPixels} pixels in total (the limit per request; reached at ${what}, ${dims.width}x${dims.height}). Send smaller or fewer images.`);
    }
  }
  const size = shape[0] * shape[1] * shape[2];
  const pixels = new Float32Array(parts.length * size);
  for (let i = 0; i < parts.length; i++) {
    const what = `image ${i + 1} (field "${parts[i].field.slice(0, 40)}")`;
    if (parts[i].bytes.length === 0) throw httpError(400, 'empty_image', `${what} is empty.`);
    try {
      pixels.set(await codec.decode(parts[i].bytes, shape, what), i * size);
    } catch (e) {
      if (e instanceof InputError) throw httpError(422, 'invalid_image', e.message);
      throw httpError(422, 'invalid_image', `${what} could not be decoded: ${(e as Error).message}`);
    }
  }
  return { pixels, count: parts.length, fields: parts.map((p) => p.field) };
}

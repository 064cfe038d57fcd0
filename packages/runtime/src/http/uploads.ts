/**
 * Images in a request: multipart/form-data (one or more files, any field names or the named ones),
 * or one raw image body (Content-Type image/png, image/jpeg, ...). Returns model pixels.
 */
import type { Context } from 'hono';
import { InputError } from '../common/errors.ts';
import { httpError } from './errors.ts';
import type { ImageCodec } from './image-codec.ts';

export interface UploadedImages {
  pixels: Float32Array;
  count: number;
  /** Multipart field name of each image, in order. */
  fields: string[];
}

export async function readImages(c: Context, codec: ImageCodec, shape: readonly [number, number, number], maxImages: number): Promise<UploadedImages> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const parts: { field: string; bytes: Uint8Array; type: string }[] = [];
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await c.req.raw.formData();
    } catch (e) {
      throw httpError(400, 'invalid_multipart', `The multipart body could not be parsed: ${(e as Error).message}`);
    }
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') continue;
      if (parts.length >= maxImages) throw httpError(400, 'too_many_images', `At most ${maxImages} images per request.`);
      parts.push({ field, bytes: new Uint8Array(await value.arrayBuffer()), type: value.type });
    }
  } else if (codec.accepts.some((t) => type.startsWith(t)) || type.startsWith('application/octet-stream')) {
    parts.push({ field: 'body', bytes: new Uint8Array(await c.req.arrayBuffer()), type });
  } else {
    throw httpError(415, 'unsupported_media_type', `Send images as multipart/form-data or as a raw body with Content-Type ${codec.accepts.join(' or ')}; got ${type || 'no Content-Type'}.`);
  }
  if (parts.length === 0) throw httpError(400, 'no_images', 'The request holds no image files; attach at least one (e.g. curl -F image=@x.png).');
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

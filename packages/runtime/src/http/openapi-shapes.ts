/**
 * The OpenAPI response schemas that depend on the loaded model: the image shape [H, W, C] and the
 * latent size come from its manifest (its model spec), so a client generated from /openapi.json
 * knows that /v1/sample of a 48x48 RGB model returns `images.shape` [n, 48, 48, 3] and that every
 * latent holds exactly latentDim numbers. JSON Schema 2020-12 (OpenAPI 3.1): a tuple is
 * `prefixItems` + `items: false`, a fixed value `const`.
 */
import type { Limits } from './schemas.ts';

/** What the schemas are built from: the model's latent size and image shape [height, width, channels] (HWC). */
export interface ModelShapes {
  latentDim: number;
  imageShape: readonly number[];
}

type JsonSchema = Record<string, unknown>;

/** One latent vector: exactly `latentDim` numbers. */
export function latentSchema({ latentDim }: ModelShapes): JsonSchema {
  return { type: 'array', items: { type: 'number' }, minItems: latentDim, maxItems: latentDim, description: `a latent vector: exactly ${latentDim} numbers (the latent size)` };
}

/** `images` of a JSON image response: shape [n, H, W, C] with H, W, C fixed by the model, NHWC data, values per encoding. */
export function imagesSchema(model: ModelShapes, limits: Limits): JsonSchema {
  const [height, width, channels] = model.imageShape;
  const colour = channels === 1 ? 'grey' : channels === 3 ? 'RGB' : `${channels}-channel`;
  return {
    type: 'object',
    description: `n decoded ${width}x${height} ${colour} images of this model (height ${height}, width ${width}, channels ${channels}), NHWC.`,
    required: ['shape', 'encoding', 'data'],
    properties: {
      shape: {
        type: 'array',
        description: '[n, height, width, channels]',
        prefixItems: [
          { type: 'integer', minimum: 1, maximum: limits.maxBatch, description: 'n: images in this response' },
          { const: height, description: 'height in pixels' },
          { const: width, description: 'width in pixels' },
          { const: channels, description: `channels (${colour})` },
        ],
        items: false,
        minItems: 4,
        maxItems: 4,
      },
      encoding: { enum: ['float', 'uint8'], description: "'float': values in [0, 1] (rounded); 'uint8': integers 0..255" },
      data: {
        type: 'array',
        items: { type: 'number', minimum: 0, maximum: 255 },
        description: `n x ${height} x ${width} x ${channels} values, row-major NHWC (pixel (y, x) of image i, channel k at ((i * ${height} + y) * ${width} + x) * ${channels} + k)`,
      },
    },
    'x-image': { height, width, channels, layout: 'NHWC' },
  };
}

/** A JSON image response: `extra` properties (e.g. /v1/sample's seed and z) beside `images`. */
export function imageResponseSchema(model: ModelShapes, limits: Limits, extra: Record<string, JsonSchema> = {}): JsonSchema {
  return { type: 'object', required: ['images'], properties: { ...extra, images: imagesSchema(model, limits) } };
}

/** /v1/sample's own fields beside `images`: the seed used and, unless includeLatents is false, the latents. */
export function sampleExtras(model: ModelShapes): Record<string, JsonSchema> {
  return {
    seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'the seed the latents were drawn with (repeat it to get the same images)' },
    z: { type: 'array', items: latentSchema(model), description: 'the latents decoded, one per image (absent when includeLatents is false)' },
  };
}

/** /v1/encode's response: the mean and log-variance (null for an autoencoder) of each image's latent. */
export function encodeResponseSchema(model: ModelShapes): JsonSchema {
  return {
    type: 'object',
    required: ['mean', 'logVar'],
    properties: {
      fields: { type: 'array', items: { type: 'string' }, description: 'the multipart field name of each image, in order' },
      mean: { type: 'array', items: latentSchema(model) },
      logVar: { anyOf: [{ type: 'array', items: latentSchema(model) }, { type: 'null' }] },
    },
  };
}

/** The OpenAPI 3.1 document, with request schemas generated from the same zod schemas that validate. */
import { z } from 'zod';
import { modelLabel } from '@latentkit/format';
import type { LatentModel } from '../common/latent-model.ts';
import type { Limits, Schemas } from './schemas.ts';
import { encodeResponseSchema, imageResponseSchema, sampleExtras } from './openapi-shapes.ts';

export function openApiDocument(model: LatentModel, schemas: Schemas, limits: Limits): Record<string, unknown> {
  const json = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  // Response shapes from the model (its spec's image shape and latent size): openapi-shapes.ts.
  const [h, w, ch] = model.imageShape;
  const imagesOut = (extra: Record<string, Record<string, unknown>> = {}) => ({
    description: `${w}x${h}x${ch} images as JSON ({ images: { shape: [n, ${h}, ${w}, ${ch}], encoding, data } }) or one PNG contact sheet (Accept: image/png or ?format=png).`,
    content: {
      'application/json': { schema: imageResponseSchema(model, limits, extra) },
      'image/png': { schema: { type: 'string', format: 'binary' } },
    },
  });
  const err = { description: 'Error: { error: { code, message, issues? } }', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const errors = { '400': err, '404': err, '406': err, '413': err, '415': err, '422': err, '503': { ...err, description: 'Overloaded (admission control; see Retry-After) or shutting down: { error: { code, message } }' } };
  const upload = {
    required: true,
    content: {
      'multipart/form-data': { schema: { type: 'object', additionalProperties: { type: 'string', format: 'binary' } } },
      'image/png': { schema: { type: 'string', format: 'binary' } },
    },
  };
  const formatParam = { name: 'format', in: 'query', required: false, schema: { enum: ['json', 'png'] } };
  const colsParam = { name: 'cols', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1024 } };
  const body = (s: z.ZodType) => ({ required: false, content: { 'application/json': { schema: json(s) } } });
  // A conditional VAE: every generating route takes a class (JSON `class`, or `?class=` on uploads).
  const classes = model.classes;
  const classRef = { $ref: '#/components/schemas/Class' };
  const classParam = classes ? [{ name: 'class', in: 'query', required: true, schema: classRef }] : [];
  const uploadParams = (extra: object[] = []) => [...extra, ...classParam];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Latentkit sampling API',
      version: '1',
      description:
        `${modelLabel(model.manifest)} with a ${model.latentDim}-d latent space, images ${model.imageShape.join('x')} (HWC). Limits: ${JSON.stringify(limits)}.` +
        (classes ? ` Conditional VAE: every request names a class (components.schemas.Class): ${classes.map((c, i) => `${i} "${c}"`).join(', ')}.` : ''),
    },
    paths: {
      '/v1/sample': { post: { summary: 'Decode seeded N(0, temperature^2) latents.', parameters: [formatParam, colsParam], requestBody: body(schemas.sample), responses: { '200': imagesOut(sampleExtras(model)), ...errors } } },
      '/v1/decode': { post: { summary: 'Decode the given latents.', parameters: [formatParam, colsParam], requestBody: body(schemas.decode), responses: { '200': imagesOut(), ...errors } } },
      '/v1/encode': { post: { summary: 'Encode uploaded images to { mean, logVar }.', parameters: uploadParams(), requestBody: upload, responses: { '200': { description: `{ fields, mean: number[][${model.latentDim}], logVar: number[][${model.latentDim}] | null }`, content: { 'application/json': { schema: encodeResponseSchema(model) } } }, ...errors } } },
      '/v1/reconstruct': { post: { summary: 'decode(encode(image).mean) for uploaded images.', parameters: uploadParams([formatParam, colsParam]), requestBody: upload, responses: { '200': imagesOut(), ...errors } } },
      '/v1/morph': {
        post: {
          summary: "z_a * (1 - t) + z_b * t, or slerp (interpolation: 'slerp', White 2016): JSON latents a, b, or two uploaded images (multipart, ?steps=&interpolation=).",
          parameters: uploadParams([
            formatParam,
            colsParam,
            { name: 'steps', in: 'query', required: false, schema: { type: 'integer', minimum: 2, maximum: limits.maxSteps } },
            { name: 'interpolation', in: 'query', required: false, description: 'multipart requests only', schema: { enum: ['linear', 'slerp'] } },
          ]),
          requestBody: { required: true, content: { ...body(schemas.morph).content, 'multipart/form-data': upload.content['multipart/form-data'] } },
          responses: { '200': imagesOut(), ...errors },
        },
      },
      '/v1/traverse': {
        post: {
          summary: `One latent direction (dimension 0..${model.latentDim - 1}, or ${model.pca ? `principal component 0..${model.pca.components.length - 1} of the encoded validation set` : 'a principal component, once latents.json has pca (pnpm export)'}) from -k to +k standard deviations around z, a seed's sample, or one uploaded image (multipart; the other fields as query parameters).`,
          parameters: uploadParams([formatParam, colsParam, ...['dimension', 'component', 'k', 'steps'].map((name) => ({ name, in: 'query', required: false, description: 'multipart requests only', schema: { type: 'number' } }))]),
          requestBody: { required: true, content: { ...body(schemas.traverse).content, 'multipart/form-data': upload.content['multipart/form-data'] } },
          responses: { '200': imagesOut(), ...errors },
        },
      },
      '/v1/attributes/{name}': {
        post: {
          summary: 'Decode z + f * vector(name) for each factor f (stored attribute vectors, attributes.json).',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { enum: Object.keys(model.attributes) } }, formatParam, colsParam],
          requestBody: body(schemas.attribute),
          responses: { '200': imagesOut(), ...errors },
        },
      },
      '/v1/model': { get: { summary: 'What this server runs: kind, shapes, classes (conditional VAEs), provider, limits.', responses: { '200': { description: 'JSON' } } } },
      '/healthz': { get: { summary: 'Liveness.', responses: { '200': { description: '{ status: "ok" }' } } } },
      '/readyz': { get: { summary: 'Readiness: 503 while draining on shutdown.', responses: { '200': { description: 'ready' }, '503': { description: 'draining' } } } },
      '/metrics': { get: { summary: 'Prometheus text format.', responses: { '200': { description: 'text/plain' } } } },
      '/openapi.json': { get: { summary: 'This document.', responses: { '200': { description: 'JSON' } } } },
    },
    components: {
      schemas: {
        ...(classes ? { Class: { description: 'A class of this conditional VAE, by name or index', anyOf: [{ enum: [...classes] }, { type: 'integer', minimum: 0, maximum: classes.length - 1 }] } } : {}),
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}

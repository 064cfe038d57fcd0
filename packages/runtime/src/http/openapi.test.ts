/**
 * /openapi.json states the loaded model's shapes: the image response schema fixes [n, H, W, C] to the
 * model's spec and every latent to its latent size. Checked on a model spec that is not one of the
 * book's (48x48 RGB, latent 16) and on the Fashion VAE preset (32x32 grey, latent 2), and the real
 * responses of /v1/sample and /v1/decode are validated against the document's own schemas (ajv,
 * JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseModelSpec } from '@latentkit/format';
import { LatentModel } from '../node/index.ts';
import { createApp } from './app.ts';
import { makeBundle } from '../../test/fixtures.ts';

const SPEC = parseModelSpec({ type: 'vae', inputShape: [48, 48, 3], latentDim: 16, encoder: { filters: [32, 64, 128] }, loss: { type: 'mse', scale: 1000 } });

type Schema = Record<string, unknown>;
interface Doc {
  paths: Record<string, { post: { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> } }>;
}

const models: LatentModel[] = [];
after(() => models.forEach((m) => m.dispose()));

async function serve(options: Parameters<typeof makeBundle>[0]) {
  const model = await LatentModel.load(await makeBundle(options), { device: 'cpu' });
  models.push(model);
  const app = createApp(model, { limits: { maxBatch: 64 } });
  const doc = (await (await app.request('/openapi.json')).json()) as Doc;
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json() as Promise<{ images: { shape: number[]; data: number[] }; z?: number[][] }>;
  };
  return { doc, post };
}

const responseSchema = (doc: Doc, path: string) => doc.paths[path]!.post.responses['200']!.content!['application/json']!.schema;
const requestSchema = (doc: Doc, path: string) => doc.paths[path]!.post.requestBody!.content['application/json']!.schema;
const imageShape = (schema: Schema) => {
  const images = (schema.properties as Record<string, Schema>).images!;
  return ((images.properties as Record<string, Schema>).shape!.prefixItems as Schema[]).slice(1).map((s) => s.const);
};

let spec: Awaited<ReturnType<typeof serve>>;
before(async () => {
  spec = await serve({ spec: SPEC, seed: 3 });
});

test("a 48x48 RGB spec model: the sample/decode response schemas give [n, 48, 48, 3], the latents 16 numbers", () => {
  for (const path of ['/v1/sample', '/v1/decode', '/v1/reconstruct', '/v1/morph']) {
    assert.deepEqual(imageShape(responseSchema(spec.doc, path)), [48, 48, 3], path);
    const images = (responseSchema(spec.doc, path).properties as Record<string, Schema>).images!;
    assert.deepEqual(images['x-image'], { height: 48, width: 48, channels: 3, layout: 'NHWC' }, path);
  }
  const z = (requestSchema(spec.doc, '/v1/decode').properties as Record<string, Schema>).z!;
  assert.deepEqual([(z.items as Schema).minItems, (z.items as Schema).maxItems], [16, 16]);
  const sampled = (responseSchema(spec.doc, '/v1/sample').properties as Record<string, Schema>).z!;
  assert.deepEqual([(sampled.items as Schema).minItems, (sampled.items as Schema).maxItems], [16, 16]);
  const morph = requestSchema(spec.doc, '/v1/morph').properties as Record<string, Schema>;
  assert.deepEqual([morph.a!.minItems, morph.a!.maxItems, morph.b!.maxItems], [16, 16, 16]);
});

test('the real /v1/sample and /v1/decode responses of the spec model validate against the document', async () => {
  const ajv = new Ajv2020({ strict: false });
  const sampleOk = ajv.compile(responseSchema(spec.doc, '/v1/sample'));
  const sampled = await spec.post('/v1/sample', { n: 2, seed: 5 });
  assert.deepEqual(sampled.images.shape, [2, 48, 48, 3]);
  assert.ok(sampleOk(sampled), JSON.stringify(sampleOk.errors));
  const decodeOk = ajv.compile(responseSchema(spec.doc, '/v1/decode'));
  const decoded = await spec.post('/v1/decode', { z: sampled.z, encoding: 'uint8' });
  assert.ok(decodeOk(decoded), JSON.stringify(decodeOk.errors));
  // A response of another shape (the Fashion models' 32x32 grey) fails the spec model's schema.
  assert.equal(decodeOk({ images: { shape: [1, 32, 32, 1], encoding: 'float', data: [] } }), false);
  // And the request schema refuses a latent of the wrong length, as the server does.
  const requestOk = ajv.compile(requestSchema(spec.doc, '/v1/decode'));
  assert.equal(requestOk({ z: [new Array(16).fill(0)] }), true);
  assert.equal(requestOk({ z: [new Array(2).fill(0)] }), false);
});

test('the Fashion VAE preset keeps its shapes: [n, 32, 32, 1] images, latents of 2', async () => {
  const fashion = await serve({ kind: 'vae', seed: 2 });
  assert.deepEqual(imageShape(responseSchema(fashion.doc, '/v1/sample')), [32, 32, 1]);
  const z = (requestSchema(fashion.doc, '/v1/decode').properties as Record<string, Schema>).z!;
  assert.equal((z.items as Schema).maxItems, 2);
  const sampled = await fashion.post('/v1/sample', { n: 1, seed: 1 });
  assert.ok(new Ajv2020({ strict: false }).compile(responseSchema(fashion.doc, '/v1/sample'))(sampled));
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LatentModel } from '../node/index.ts';
import { createApp, type Lifecycle } from './app.ts';
import { microBatched } from '../common/micro-batcher.ts';
import { decodePng, encodePng } from '../common/png.ts';
import { makeBundle } from '../../test/fixtures.ts';

let model: LatentModel;
let app: ReturnType<typeof createApp>;
const lifecycle: Lifecycle = { draining: false };

before(async () => {
  model = await LatentModel.load(await makeBundle({ kind: 'vae', seed: 2, attributes: ['Smiling', 'Bangs'] }), { device: 'cpu' });
  app = createApp(microBatched(model), { lifecycle, maxBodyBytes: 64 * 1024, limits: { maxBatch: 64 } });
});
after(() => model.dispose());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

async function errorOf(res: Response, status: number): Promise<{ code: string; message: string; issues?: { path: string; message: string }[] }> {
  assert.equal(res.status, status, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

test('POST /v1/sample returns seeded latents and images as JSON', async () => {
  const a = (await (await post('/v1/sample', { n: 3, seed: 7 })).json()) as { seed: number; z: number[][]; images: { shape: number[]; data: number[] } };
  const b = (await (await post('/v1/sample', { n: 3, seed: 7 })).json()) as typeof a;
  assert.equal(a.seed, 7);
  assert.deepEqual(a.z, b.z);
  assert.deepEqual(a.images.shape, [3, 32, 32, 1]);
  assert.equal(a.images.data.length, 3 * 1024);
  const direct = model.sampleLatents(3, { seed: 7 }).z.data;
  assert.deepEqual(a.z.flat(), Array.from(direct));
  const u8 = (await (await post('/v1/sample', { n: 1, seed: 7, encoding: 'uint8', includeLatents: false })).json()) as typeof a;
  assert.ok(u8.images.data.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
  assert.equal(u8.z, undefined);
});

test('Accept: image/png (or ?format=png) returns one PNG contact sheet', async () => {
  const res = await post('/v1/sample', { n: 4, seed: 1 }, { accept: 'image/png' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('x-seed'), '1');
  const png = await decodePng(new Uint8Array(await res.arrayBuffer()));
  assert.deepEqual([png.width, png.height, png.channels], [65, 65, 1]); // 2x2 grid, 1-pixel gap
  const row = await decodePng(new Uint8Array(await (await post('/v1/sample?format=png&cols=4', { n: 4, seed: 1 })).arrayBuffer()));
  assert.deepEqual([row.width, row.height], [131, 32]);
  const one = await decodePng(new Uint8Array(await (await post('/v1/decode?format=png', { z: [[0, 0]] })).arrayBuffer()));
  const ref = (await model.decode([[0, 0]])).data;
  one.data.forEach((v, i) => assert.ok(Math.abs(v - Math.round(ref[i] * 255)) <= 0, `pixel ${i}`));
});

test('POST /v1/decode decodes given latents and validates them', async () => {
  const res = (await (await post('/v1/decode', { z: [[0.5, -0.5]] })).json()) as { images: { data: number[] } };
  const ref = (await model.decode([[0.5, -0.5]])).data;
  res.images.data.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= 5e-5));
  const wrongSize = await errorOf(await post('/v1/decode', { z: [[1, 2, 3]] }), 400);
  assert.equal(wrongSize.code, 'invalid_request');
  assert.deepEqual(wrongSize.issues?.[0], { path: 'z.0', message: 'must hold exactly 2 numbers (the latent size)' });
  assert.match((await errorOf(await post('/v1/decode', { z: [[1, '2']] }), 400)).message, /z\.0\.1: must be a finite number/);
  assert.match((await errorOf(await post('/v1/decode', { z: [[1e9, 0]] }), 400)).message, /must be <= 1000/);
  assert.match((await errorOf(await post('/v1/decode', { z: Array(65).fill([0, 0]) }), 400)).message, /at most 64 latent vectors/);
  assert.match((await errorOf(await post('/v1/decode', { z: [] }), 400)).message, /at least one/);
  assert.match((await errorOf(await post('/v1/decode', { z: [[0, 0]], zz: 1 }), 400)).message, /Unrecognized key: "zz"/);
  assert.match((await errorOf(await post('/v1/decode', '{"z": [[0, 0]'), 400)).message, /not valid JSON/);
  assert.equal((await errorOf(await post('/v1/decode', { z: [[0, 0]] }, { 'content-type': 'application/xml' }), 415)).code, 'unsupported_media_type');
  assert.equal((await errorOf(await post('/v1/decode', { z: [[0, 0]] }, { accept: 'text/html' }), 406)).code, 'not_acceptable');
  assert.equal((await errorOf(await post('/v1/decode?format=gif', { z: [[0, 0]] }), 400)).code, 'invalid_format');
  assert.equal((await errorOf(await post('/v1/decode', JSON.stringify({ z: [[0, 0]], pad: 'x'.repeat(70 * 1024) })), 413)).code, 'body_too_large');
});

test('POST /v1/sample validates n, seed and temperature', async () => {
  assert.match((await errorOf(await post('/v1/sample', { n: 0 }), 400)).message, /n: Too small/);
  assert.match((await errorOf(await post('/v1/sample', { n: 1.5 }), 400)).message, /n: must be an integer/);
  assert.match((await errorOf(await post('/v1/sample', { n: 65 }), 400)).message, /at most 64 images/);
  assert.match((await errorOf(await post('/v1/sample', { seed: -1 }), 400)).message, /seed/);
  assert.match((await errorOf(await post('/v1/sample', { temperature: 11 }), 400)).message, /temperature/);
  assert.match((await errorOf(await post('/v1/sample', [1, 2]), 400)).message, /expected object/);
  assert.equal((await post('/v1/sample', '')).status, 200); // empty body = defaults
});

async function pngOf(pixels: Float32Array): Promise<Uint8Array> {
  return encodePng({ data: Uint8Array.from(pixels, (v) => Math.round(v * 255)), width: 32, height: 32, channels: 1 });
}

test('POST /v1/encode and /v1/reconstruct take PNG uploads (multipart or raw)', async () => {
  const { images } = await model.sample(2, { seed: 5 });
  const a = await pngOf(images.data.subarray(0, 1024));
  const b = await pngOf(images.data.subarray(1024));
  const form = new FormData();
  form.append('first', new Blob([a as BlobPart], { type: 'image/png' }), 'a.png');
  form.append('second', new Blob([b as BlobPart], { type: 'image/png' }), 'b.png');
  const enc = (await (await app.request('/v1/encode', { method: 'POST', body: form })).json()) as { fields: string[]; mean: number[][]; logVar: number[][] };
  assert.deepEqual(enc.fields, ['first', 'second']);
  const quantised = Float32Array.from(images.data, (v) => Math.round(v * 255) / 255);
  const ref = await model.encode(quantised);
  enc.mean.flat().forEach((v, i) => assert.ok(Math.abs(v - ref.mean.data[i]) < 1e-5));
  assert.equal(enc.logVar.length, 2);
  const rec = await app.request('/v1/reconstruct', { method: 'POST', body: a as BodyInit, headers: { 'content-type': 'image/png', accept: 'image/png' } });
  assert.equal(rec.status, 200);
  assert.equal((await decodePng(new Uint8Array(await rec.arrayBuffer()))).width, 32);
  const tooBig = await encodePng({ data: new Uint8Array(64 * 64), width: 64, height: 64, channels: 1 });
  assert.match((await errorOf(await app.request('/v1/encode', { method: 'POST', body: tooBig as BodyInit, headers: { 'content-type': 'image/png' } }), 422)).message, /more than the 1024 pixels/);
  assert.match((await errorOf(await app.request('/v1/encode', { method: 'POST', body: 'hello', headers: { 'content-type': 'image/png' } }), 422)).message, /Not a PNG/);
  assert.equal((await errorOf(await app.request('/v1/encode', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), 415)).code, 'unsupported_media_type');
  assert.equal((await errorOf(await app.request('/v1/encode', { method: 'POST', body: new FormData() }), 400)).code, 'no_images');
  assert.equal((await errorOf(await app.request('/v1/encode', { method: 'POST', body: '--x\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=x' } }), 400)).code, 'invalid_multipart');
});

test('POST /v1/morph mixes latents (JSON) or two uploaded images (multipart)', async () => {
  const r = (await (await post('/v1/morph', { a: [0, 0], b: [2, -2], steps: 3 })).json()) as { t: number[]; z: number[][]; images: { shape: number[] } };
  assert.deepEqual(r.t, [0, 0.5, 1]);
  assert.deepEqual(r.z, [[0, 0], [1, -1], [2, -2]]);
  assert.deepEqual(r.images.shape, [3, 32, 32, 1]);
  const book = (await (await post('/v1/morph', { a: [0, 0], b: [1, 1], steps: 10, endpoint: false })).json()) as { t: number[] };
  assert.ok(Math.abs(book.t[9] - 0.9) < 1e-9);
  assert.match((await errorOf(await post('/v1/morph', { a: [0, 0], b: [1, 1], steps: 65 }), 400)).message, /at most 64 steps/);
  const { images } = await model.sample(2, { seed: 8 });
  const form = new FormData();
  form.append('a', new Blob([(await pngOf(images.data.subarray(0, 1024))) as BlobPart], { type: 'image/png' }));
  form.append('b', new Blob([(await pngOf(images.data.subarray(1024))) as BlobPart], { type: 'image/png' }));
  const m = await app.request('/v1/morph?steps=4', { method: 'POST', body: form });
  assert.equal(((await m.json()) as { t: number[] }).t.length, 4);
});

test('POST /v1/attributes/{name} adds f * vector to each latent', async () => {
  const v = model.attributes.Smiling;
  const r = (await (await post('/v1/attributes/Smiling', { z: [[0.5, 0.5]], factors: [-1, 0, 2] })).json()) as { z: number[][]; images: { shape: number[] } };
  assert.deepEqual(r.images.shape, [3, 32, 32, 1]);
  r.z.forEach((row, k) => row.forEach((x, j) => assert.ok(Math.abs(x - (0.5 + [-1, 0, 2][k] * v[j])) < 1e-6)));
  const sampled = (await (await post('/v1/attributes/Bangs', { n: 2, seed: 3 })).json()) as { seed: number; z: number[][] };
  assert.equal(sampled.seed, 3);
  assert.equal(sampled.z.length, 18); // 2 latents x the book's 9 factors (-4..4)
  const png = await post('/v1/attributes/Bangs', { n: 2, seed: 3 }, { accept: 'image/png' });
  assert.equal((await decodePng(new Uint8Array(await png.arrayBuffer()))).width, 9 * 32 + 8);
  const missing = await errorOf(await post('/v1/attributes/Moustache', {}), 404);
  assert.match(missing.message, /No attribute "Moustache" in this bundle. Known: Smiling, Bangs/);
  assert.equal((await post('/v1/attributes/__proto__', {})).status, 404);
  assert.match((await errorOf(await post('/v1/attributes/Smiling', { z: [[0, 0]], n: 2 }), 400)).message, /either z, or n and seed/);
  assert.match((await errorOf(await post('/v1/attributes/Smiling', { n: 10, factors: Array(9).fill(1) }), 400)).message, /at most 64 images/);
});

test('concurrent decodes are micro-batched into fewer session runs', async () => {
  const before = (await (await app.request('/metrics')).text()).match(/latentkit_decode_batch_rows_count (\d+)/);
  const n0 = Number(before?.[1] ?? 0);
  const results = await Promise.all(Array.from({ length: 24 }, (_, i) => post('/v1/decode', { z: [[i / 10, 0]] })));
  assert.ok(results.every((r) => r.status === 200));
  const after = await (await app.request('/metrics')).text();
  const runs = Number(after.match(/latentkit_decode_batch_rows_count (\d+)/)?.[1]) - n0;
  assert.ok(runs >= 1 && runs < 24, `24 requests took ${runs} session runs`);
  const third = (await results[3].json()) as { images: { data: number[] } };
  const ref = (await model.decode([[0.3, 0]])).data;
  third.images.data.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= 5e-5));
});

test('GET routes: model, health, readiness (503 while draining), metrics, OpenAPI, CORS', async () => {
  const info = (await (await app.request('/v1/model')).json()) as Record<string, unknown>;
  assert.equal(info.latentDim, 2);
  assert.deepEqual(info.attributes, ['Smiling', 'Bangs']);
  assert.equal(info.provider, 'cpu');
  assert.equal((await app.request('/healthz')).status, 200);
  assert.equal((await app.request('/readyz')).status, 200);
  lifecycle.draining = true;
  assert.equal((await app.request('/readyz')).status, 503);
  lifecycle.draining = false;
  const metrics = await (await app.request('/metrics')).text();
  assert.match(metrics, /# TYPE http_requests_total counter/);
  assert.match(metrics, /http_requests_total\{method="POST",route="\/v1\/sample",status="200"\} \d+/);
  assert.match(metrics, /latentkit_decoded_images_total \d+/);
  const doc = (await (await app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } } }> };
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/v1/sample', '/v1/decode', '/v1/encode', '/v1/reconstruct', '/v1/morph', '/v1/attributes/{name}', '/v1/model', '/healthz', '/readyz', '/metrics']) assert.ok(doc.paths[p], p);
  assert.ok(doc.paths['/v1/sample'].post?.requestBody?.content['application/json'].schema.properties?.temperature);
  const pre = await app.request('/v1/sample', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  assert.equal((await errorOf(await app.request('/v1/nothing'), 404)).code, 'not_found');
  assert.equal((await app.request('/v1/sample')).status, 404); // GET on a POST route
});

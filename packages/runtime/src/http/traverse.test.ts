/** /v1/traverse and the morph's `interpolation` over HTTP: answers, limits (400 naming the field), OpenAPI. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LatentModel } from '../node/index.ts';
import { createApp } from './app.ts';
import { encodePng } from '../common/png.ts';
import { makeBundle } from '../../test/fixtures.ts';

const S = Math.SQRT1_2;
/** A PCA stand-in for the 2-d fixture: component 0 along (1, 1) with variance 4, component 1 along (1, -1) with variance 1. */
const PCA = { count: 100, source: 'fixture', mean: [0, 0], components: [[S, S], [S, -S]], explainedVariance: [4, 1], explainedVarianceRatio: [0.8, 0.2] };

let withPca: LatentModel;
let withoutPca: LatentModel;
let app: ReturnType<typeof createApp>;
let plain: ReturnType<typeof createApp>;

before(async () => {
  withPca = await LatentModel.load(await makeBundle({ kind: 'vae', seed: 2, latents: { points: [], pca: PCA } }), { device: 'cpu' });
  withoutPca = await LatentModel.load(await makeBundle({ kind: 'vae', seed: 2 }), { device: 'cpu' });
  app = createApp(withPca);
  plain = createApp(withoutPca);
});
after(() => Promise.all([withPca.dispose(), withoutPca.dispose()]));

const post = (a: ReturnType<typeof createApp>, path: string, body: unknown) =>
  a.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

async function issuesOf(res: Response): Promise<{ code: string; message: string; issues: { path: string; message: string }[] }> {
  assert.equal(res.status, 400, await res.clone().text());
  return ((await res.json()) as { error: { code: string; message: string; issues: { path: string; message: string }[] } }).error;
}

type Traverse = { dimension?: number; component?: number; k: number; sd: number; offsets: number[]; seed?: number; z: number[][]; images: { shape: number[]; data: number[] } };

test('POST /v1/traverse walks a dimension around z, or a principal component around a seed\'s sample', async () => {
  const r = (await (await post(app, '/v1/traverse', { z: [0.5, 1], dimension: 0, k: 2, steps: 5 })).json()) as Traverse;
  assert.deepEqual(r.offsets, [-2, -1, 0, 1, 2]);
  assert.deepEqual(r.z, [[-1.5, 1], [-0.5, 1], [0.5, 1], [1.5, 1], [2.5, 1]]);
  assert.equal(r.sd, 1);
  assert.deepEqual(r.images.shape, [5, 32, 32, 1]);
  const ref = (await withPca.decode([[2.5, 1]])).data;
  r.images.data.slice(4 * 1024).forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 5e-5));

  const pc = (await (await post(app, '/v1/traverse', { seed: 9, component: 0, k: 1, steps: 3 })).json()) as Traverse;
  assert.equal(pc.seed, 9);
  assert.equal(pc.sd, 2);
  const base = withPca.sampleLatents(1, { seed: 9 }).z.data;
  // Offsets of -1, 0, +1 sd along (1, 1)/sqrt 2 with sd 2: +-sqrt 2 on each coordinate.
  pc.z.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (base[j] + (i - 1) * Math.SQRT2)) < 1e-5, `z[${i}][${j}]`)));
  const sheet = await app.request('/v1/traverse?format=png', { method: 'POST', body: JSON.stringify({ z: [0, 0], dimension: 1, steps: 4 }), headers: { 'content-type': 'application/json' } });
  assert.equal(sheet.headers.get('x-image-count'), '4');
});

test('a traverse beyond its limits is a 400 naming the field', async () => {
  const field = async (a: ReturnType<typeof createApp>, body: unknown) => (await issuesOf(await post(a, '/v1/traverse', body))).issues.map((i) => i.path);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 2 }), ['dimension']);
  assert.match((await issuesOf(await post(app, '/v1/traverse', { z: [0, 0], dimension: 2 }))).message, /dimension: must be at most 1 \(the latent size is 2\)/);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: -1 }), ['dimension']);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 0.5 }), ['dimension']);
  assert.deepEqual(await field(app, { z: [0, 0], component: 2 }), ['component']);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 0, k: 11 }), ['k']);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 0, k: 0 }), ['k']);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 0, steps: 65 }), ['steps']);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 0, steps: 1 }), ['steps']);
  assert.deepEqual(await field(app, { z: [0, 0, 0], dimension: 0 }), ['z']);
  assert.deepEqual(await field(app, { z: [0, 0] }), ['dimension']);
  assert.deepEqual(await field(app, { z: [0, 0], dimension: 0, component: 0 }), ['dimension']);
  assert.deepEqual(await field(app, { z: [0, 0], seed: 1, dimension: 0 }), ['seed']);
  assert.match((await issuesOf(await post(app, '/v1/traverse', { z: [0, 0], dimension: 0, direction: 'up' }))).message, /Unrecognized key: "direction"/);
  // A bundle without latents.json's pca: component is refused, and the message says how to get one.
  const none = await issuesOf(await post(plain, '/v1/traverse', { z: [0, 0], component: 0 }));
  assert.deepEqual(none.issues.map((i) => i.path), ['component']);
  assert.match(none.message, /no principal components .*pnpm export/);
});

test('POST /v1/traverse with one uploaded image traverses around its encoding (query parameters, same limits)', async () => {
  const { images } = await withPca.sample(1, { seed: 4 });
  const png = await encodePng({ data: Uint8Array.from(images.data, (v) => Math.round(v * 255)), width: 32, height: 32, channels: 1 });
  const form = () => {
    const f = new FormData();
    f.append('image', new Blob([png as BlobPart], { type: 'image/png' }));
    return f;
  };
  const r = (await (await app.request('/v1/traverse?component=1&k=2&steps=3', { method: 'POST', body: form() })).json()) as Traverse;
  const mean = (await withPca.encode(Float32Array.from(images.data, (v) => Math.round(v * 255) / 255))).mean.data;
  r.z[1].forEach((v, j) => assert.ok(Math.abs(v - mean[j]) < 1e-5, 'the middle step is the encoded image'));
  const bad = await issuesOf(await app.request('/v1/traverse?dimension=7', { method: 'POST', body: form() }));
  assert.deepEqual(bad.issues.map((i) => i.path), ['dimension']);
});

test('POST /v1/morph takes interpolation linear (default) or slerp; anything else is a 400 naming it', async () => {
  const slerp = (await (await post(app, '/v1/morph', { a: [2, 0], b: [0, 2], steps: 3, interpolation: 'slerp' })).json()) as { interpolation: string; z: number[][] };
  assert.equal(slerp.interpolation, 'slerp');
  assert.deepEqual(slerp.z[0], [2, 0]);
  slerp.z[1].forEach((v) => assert.ok(Math.abs(v - Math.SQRT2) < 1e-6, 'the arc midpoint keeps the norm 2'));
  const linear = (await (await post(app, '/v1/morph', { a: [2, 0], b: [0, 2], steps: 3 })).json()) as { interpolation: string; z: number[][] };
  assert.equal(linear.interpolation, 'linear');
  assert.deepEqual(linear.z[1], [1, 1]);
  assert.deepEqual((await issuesOf(await post(app, '/v1/morph', { a: [0, 0], b: [1, 1], interpolation: 'cubic' }))).issues.map((i) => i.path), ['interpolation']);
  assert.equal((await issuesOf(await app.request('/v1/morph?interpolation=cubic', { method: 'POST', body: new FormData() }))).code, 'invalid_interpolation');
});

test('the OpenAPI document lists /v1/traverse with its limits and the morph\'s interpolation; /v1/model reports the pca', async () => {
  const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, { post: { summary: string; requestBody: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }> } } }> };
  const t = doc.paths['/v1/traverse'].post;
  assert.match(t.summary, /principal component 0\.\.1/);
  const props = t.requestBody.content['application/json'].schema.properties;
  assert.equal(props.k.maximum, 10);
  assert.equal(props.steps.maximum, 64);
  assert.deepEqual(doc.paths['/v1/morph'].post.requestBody.content['application/json'].schema.properties.interpolation.enum, ['linear', 'slerp']);
  const info = (await (await app.request('/v1/model')).json()) as { pca: { components: number; explainedVarianceRatio: number[] } | null };
  assert.deepEqual(info.pca && [info.pca.components, info.pca.explainedVarianceRatio], [2, [0.8, 0.2]]);
  assert.equal(((await (await plain.request('/v1/model')).json()) as { pca: null }).pca, null);
  assert.match(((await (await plain.request('/openapi.json')).json()) as typeof doc).paths['/v1/traverse'].post.summary, /once latents\.json has pca/);
});

/**
 * A conditional VAE bundle through the library and the HTTP app: classes by name or index, one per
 * row through the micro-batcher, and the 400s for a bad, missing or unexpected class.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LatentModel } from '../node/index.ts';
import { ClassError } from '../common/classes.ts';
import { createApp } from './app.ts';
import { microBatched } from '../common/micro-batcher.ts';
import { makeBundle } from '../../test/fixtures.ts';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
let model: LatentModel;
let plain: LatentModel;
let app: ReturnType<typeof createApp>;
let plainApp: ReturnType<typeof createApp>;

before(async () => {
  model = await LatentModel.load(await makeBundle({ kind: 'vae', seed: 3, classes: CLASSES }), { device: 'cpu' });
  plain = await LatentModel.load(await makeBundle({ kind: 'vae', seed: 3 }), { device: 'cpu' });
  app = createApp(microBatched(model, { maxWaitMs: 20 }), { limits: { maxBatch: 64 } });
  plainApp = createApp(microBatched(plain), {});
});
after(async () => {
  await model.dispose();
  await plain.dispose();
});

const post = (a: ReturnType<typeof createApp>, path: string, body: unknown) =>
  a.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

test('decode takes a class by name or index; the class changes the image; one class per row works too', async () => {
  assert.deepEqual(model.classes, CLASSES);
  assert.equal(plain.classes, undefined);
  const z = [[0.5, -1], [0.5, -1]];
  const byName = await model.decode(z, { class: 'Sneaker' });
  const byIndex = await model.decode(z, { class: 7 });
  assert.deepEqual(byName.data, byIndex.data);
  const other = await model.decode(z, { class: 'Trouser' });
  assert.ok(maxDiff(byName.data, other.data) > 1e-4);
  const mixed = await model.decode(z, { class: ['Sneaker', 1] });
  assert.deepEqual(mixed.data.subarray(0, 1024), byName.data.subarray(0, 1024));
  assert.deepEqual(mixed.data.subarray(1024), other.data.subarray(1024));
  // sample, morph, grid and reconstruct carry the class through.
  const s = await model.sample(2, { seed: 5, class: 'Bag' });
  assert.deepEqual(s.images.data, (await model.decode(s.z, { class: 8 })).data);
  const m = await model.morph([0, 0], [1, 1], 3, { class: 'Coat' });
  assert.deepEqual(m.images.data, (await model.decode(m.z, { class: 'Coat' })).data);
  const g = await model.latentGrid({ size: 2, class: 'Dress' });
  assert.deepEqual(g.images.data, (await model.decode(g.z, { class: 3 })).data);
  const r = await model.reconstruct(s.images, { class: 'Bag' });
  assert.deepEqual(r.shape, [2, 32, 32, 1]);
});

test('a bad, missing or unexpected class throws ClassError naming the valid classes', async () => {
  await assert.rejects(model.decode([[0, 0]], { class: 'Hat' }), (e: unknown) => e instanceof ClassError && /unknown class "Hat"; valid classes: 0 "T-shirt\/top", 1 "Trouser"/.test(e.message));
  await assert.rejects(model.decode([[0, 0]], { class: 10 }), /class index 10 is out of range/);
  await assert.rejects(model.decode([[0, 0]]), /this model is conditional: give a class/);
  await assert.rejects(model.decode([[0, 0], [1, 1]], { class: ['Bag'] }), /class lists 1 classes for 2 rows/);
  await assert.rejects(plain.decode([[0, 0]], { class: 'Bag' }), (e: unknown) => e instanceof ClassError && /this model is not conditional/.test(e.message));
});

test('HTTP: sample, decode and morph take `class`; concurrent requests of different classes batch together exactly', async () => {
  const res = await post(app, '/v1/sample', { n: 2, seed: 9, class: 'Sneaker' });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { z: number[][]; images: { data: number[] } };
  const direct = await model.decode(body.z, { class: 'Sneaker' });
  assert.ok(maxDiff(body.images.data, direct.data) < 1e-4);
  // Two requests in one micro-batch (maxWaitMs 20), each decoded with its own class.
  const z = [[0.3, 0.2]];
  const [a, b] = await Promise.all([post(app, '/v1/decode', { z, class: 'Sandal' }), post(app, '/v1/decode', { z, class: 1 })]);
  const da = ((await a.json()) as { images: { data: number[] } }).images.data;
  const db = ((await b.json()) as { images: { data: number[] } }).images.data;
  assert.ok(maxDiff(da, (await model.decode(z, { class: 5 })).data) < 1e-4);
  assert.ok(maxDiff(db, (await model.decode(z, { class: 1 })).data) < 1e-4);
  const morph = await post(app, '/v1/morph', { a: [0, 0], b: [1, 1], steps: 3, class: 'Bag' });
  assert.equal(morph.status, 200);
});

test('HTTP: an unknown class, no class on a conditional model, or a class on an unconditional one is a 400 naming `class`', async () => {
  const cases = [
    { a: app, body: { n: 1, class: 'Hat' }, message: /unknown class "Hat"; valid classes: 0 "T-shirt\/top".*9 "Ankle boot"/ },
    { a: app, body: { n: 1, class: 12 }, message: /class index 12 is out of range; valid classes/ },
    { a: app, body: { n: 1 }, message: /this model is conditional: give a class \(name or index\); valid classes/ },
    { a: plainApp, body: { n: 1, class: 'Bag' }, message: /this model is not conditional: it takes no class/ },
  ];
  for (const { a, body, message } of cases) {
    const res = await post(a, '/v1/sample', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const { error } = (await res.json()) as { error: { message: string; issues: { path: string; message: string }[] } };
    assert.equal(error.issues[0]!.path, 'class', JSON.stringify(error));
    assert.match(error.issues[0]!.message, message);
  }
});

test('/v1/model and the OpenAPI document list the classes', async () => {
  const info = (await (await app.request('/v1/model')).json()) as { classes: string[]; spec: { conditional: { classes: string[] } } };
  assert.deepEqual(info.classes, CLASSES);
  assert.deepEqual(info.spec.conditional.classes, CLASSES);
  assert.equal(((await (await plainApp.request('/v1/model')).json()) as { classes: null }).classes, null);
  const doc = (await (await app.request('/openapi.json')).json()) as {
    components: { schemas: { Class: { anyOf: [{ enum: string[] }, { maximum: number }] } } };
    paths: Record<string, { post: { requestBody?: { content: { 'application/json'?: { schema: { properties: Record<string, { anyOf?: { enum?: string[] }[] }> } } } } } }>;
  };
  assert.deepEqual(doc.components.schemas.Class.anyOf[0].enum, CLASSES);
  assert.equal(doc.components.schemas.Class.anyOf[1].maximum, 9);
  assert.deepEqual(doc.paths['/v1/sample']!.post.requestBody!.content['application/json']!.schema.properties.class!.anyOf![0]!.enum, CLASSES);
});

/**
 * createApp(model, options) -> a Hono app serving one LatentModel. It never listens: serve-node.ts
 * runs it on @hono/node-server, and any fetch-style runtime (workerd, Deno, Bun) can call app.fetch.
 * Nothing here imports Node modules or sharp.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { z } from 'zod';
import type { LatentModel } from '../common/latent-model.ts';
import type { TensorData } from '../common/tensor-data.ts';
import { InputError, DisposedError } from '../common/errors.ts';
import { MicroBatcher, type MicroBatcherOptions } from '../common/micro-batcher.ts';
import { createRng, normals } from '@latentkit/format';
import { contactSheet, toUint8 } from '../common/pixels.ts';
import { errorResponse, httpError, zodIssues } from './errors.ts';
import { DEFAULT_LIMITS, makeSchemas, type Limits } from './schemas.ts';
import { outputFormat } from './negotiate.ts';
import { readImages } from './uploads.ts';
import { pngCodec, type ImageCodec } from './image-codec.ts';
import { Counter, Gauge, Histogram, Registry } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { floatArrayJson, uint8ArrayJson } from './json-pixels.ts';

/** Shared with the server: it flips `draining` on SIGTERM so /readyz answers 503. */
export interface Lifecycle {
  draining: boolean;
}

export interface AppOptions {
  limits?: Partial<Limits>;
  /** Largest request body in bytes (default 4 MiB). */
  maxBodyBytes?: number;
  /** Micro-batch concurrent decodes into one session run (default on: maxBatch 256, maxWaitMs 2); false = off. */
  microBatch?: false | MicroBatcherOptions;
  /** Upload decoding / PNG encoding (default: pure-JS PNG; Node's server passes sharp's). */
  imageCodec?: ImageCodec;
  /** CORS allowed origins (default '*'); false = no CORS headers. */
  corsOrigin?: string | string[] | false;
  /** Decimals of float pixels in JSON (default 4, at most 6 for the fast path). */
  jsonDecimals?: number;
  lifecycle?: Lifecycle;
  /** Called with unexpected (500) errors; default console.error. */
  onError?: (e: unknown) => void;
  /** Extra process gauges for /metrics (Node passes RSS and heap). */
  processMetrics?: () => Record<string, number>;
}

const KNOWN_ROUTES = new Set([
  '/v1/sample', '/v1/decode', '/v1/encode', '/v1/reconstruct', '/v1/morph', '/v1/attributes/:name',
  '/v1/model', '/healthz', '/readyz', '/metrics', '/openapi.json',
]);

export function createApp(model: LatentModel, options: AppOptions = {}): Hono {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const schemas = makeSchemas(model.latentDim, limits);
  const codec = options.imageCodec ?? pngCodec();
  const lifecycle = options.lifecycle ?? { draining: false };
  const decimals = options.jsonDecimals ?? 4;
  const onError = options.onError ?? ((e) => console.error('[latentkit] unexpected error:', e));
  const d = model.latentDim;
  const [h, w, ch] = model.imageShape;

  // ---- metrics ---------------------------------------------------------------------------------
  const registry = new Registry();
  const requests = registry.add(new Counter('http_requests_total', 'HTTP requests by route, method and status.'));
  const durations = registry.add(
    new Histogram('http_request_duration_seconds', 'HTTP request latency by route.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]),
  );
  const decoded = registry.add(new Counter('latentkit_decoded_images_total', 'Images decoded by the model.'));
  const batchSizes = registry.add(new Histogram('latentkit_decode_batch_rows', 'Latent rows per decoder session run.', [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]));
  let inFlight = 0;
  registry.add(new Gauge('http_requests_in_flight', 'Requests being handled now.', () => inFlight));

  // ---- decoding (micro-batched or direct) ------------------------------------------------------
  const decodeRaw = async (z: Float32Array, rows: number): Promise<Float32Array> => {
    const out = await model.decode({ data: z, shape: [rows, d] });
    batchSizes.observe(rows);
    decoded.inc({}, rows);
    return out.data;
  };
  const batcher = options.microBatch === false ? null : new MicroBatcher(decodeRaw, d, options.microBatch ?? {});
  if (batcher) registry.add(new Gauge('latentkit_microbatch_queued_requests', 'Decode requests waiting for a batch.', () => batcher.queued));
  const decode = async (z: Float32Array): Promise<TensorData> => {
    const rows = z.length / d;
    const data = batcher ? await batcher.decode(z) : await decodeRaw(z, rows);
    return { data, shape: [rows, h, w, ch] };
  };
  if (options.processMetrics) {
    const read = options.processMetrics;
    for (const name of Object.keys(read())) registry.add(new Gauge(name, `${name} (process).`, () => read()[name] ?? 0));
  }

  // ---- helpers ---------------------------------------------------------------------------------
  const parseJson = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    // curl -d sends x-www-form-urlencoded and fetch(string) sends text/plain: read those as JSON too.
    if (type && !type.includes('json') && !type.startsWith('text/plain') && !type.startsWith('application/x-www-form-urlencoded')) {
      throw httpError(415, 'unsupported_media_type', `This route takes a JSON body (Content-Type: application/json); got ${type.slice(0, 80)}.`);
    }
    const text = await c.req.text();
    let body: unknown = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw httpError(400, 'invalid_json', `The body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
      }
    }
    const r = schema.safeParse(body);
    if (!r.success) {
      const issues = zodIssues(r.error);
      throw httpError(400, 'invalid_request', `Invalid request body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ').slice(0, 500)}`, issues);
    }
    return r.data;
  };
  const rowsOf = (t: TensorData): number[][] => {
    const n = t.shape[0];
    const k = t.data.length / n;
    const out: number[][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = Array.from(t.data.subarray(i * k, (i + 1) * k));
    return out;
  };
  /** `"images":{...}` built as text: the pixel array is most of the response and JSON.stringify is slow on it. */
  const imagesJson = (t: TensorData, encoding: 'float' | 'uint8') =>
    `{"shape":${JSON.stringify(t.shape)},"encoding":"${encoding}","data":${encoding === 'uint8' ? uint8ArrayJson(toUint8(t.data)) : floatArrayJson(t.data, decimals)}}`;
  const respondImages = async (c: Context, images: TensorData, extra: Record<string, unknown>, encoding: 'float' | 'uint8') => {
    if (outputFormat(c) === 'png') {
      const colsParam = c.req.query('cols');
      const cols = colsParam === undefined ? undefined : Number(colsParam);
      if (cols !== undefined && !(Number.isInteger(cols) && cols >= 1 && cols <= 1024)) {
        throw httpError(400, 'invalid_cols', `cols must be an integer from 1 to 1024, got ${String(colsParam).slice(0, 20)}.`);
      }
      const png = await codec.encodePng(contactSheet(images.data, images.shape, { cols }));
      const headers: Record<string, string> = { 'content-type': 'image/png', 'x-image-count': String(images.shape[0]) };
      if (typeof extra.seed === 'number') headers['x-seed'] = String(extra.seed);
      return c.body(png as Uint8Array<ArrayBuffer>, 200, headers);
    }
    const head = JSON.stringify(extra);
    const json = `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"images":${imagesJson(images, encoding)}}`;
    return c.body(json, 200, { 'content-type': 'application/json' });
  };

  // ---- app -------------------------------------------------------------------------------------
  const app = new Hono();

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
      let route = routePath(c, -1);
      if (!KNOWN_ROUTES.has(route)) route = 'unmatched';
      requests.inc({ route, method: KNOWN_ROUTES.has(route) ? c.req.method : 'other', status: String(c.res.status) });
      durations.observe((performance.now() - t0) / 1000, { route });
      if (lifecycle.draining) c.res.headers.set('connection', 'close');
    }
  });
  if (options.corsOrigin !== false) {
    app.use('*', cors({ origin: options.corsOrigin ?? '*', allowMethods: ['GET', 'POST', 'OPTIONS'], exposeHeaders: ['x-seed', 'x-image-count'] }));
  }
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 4 * 1024 * 1024,
      onError: () => {
        throw httpError(413, 'body_too_large', `The body is larger than ${options.maxBodyBytes ?? 4 * 1024 * 1024} bytes.`);
      },
    }),
  );

  app.post('/v1/sample', async (c) => {
    outputFormat(c); // fail fast on a bad Accept before decoding
    const b = await parseJson(c, schemas.sample);
    const seed = b.seed ?? Math.floor(Math.random() * 2 ** 32);
    const z = normals(createRng(seed), b.n * d, b.temperature);
    const images = await decode(z);
    return respondImages(c, images, { seed, ...(b.includeLatents ? { z: rowsOf({ data: z, shape: [b.n, d] }) } : {}) }, b.encoding);
  });

  app.post('/v1/decode', async (c) => {
    outputFormat(c);
    const b = await parseJson(c, schemas.decode);
    const z = new Float32Array(b.z.length * d);
    b.z.forEach((r, i) => z.set(r, i * d));
    return respondImages(c, await decode(z), {}, b.encoding);
  });

  app.post('/v1/encode', async (c) => {
    if (!model.hasEncoder) throw httpError(404, 'no_encoder', 'This bundle has no encoder.onnx; /v1/encode is not available.');
    const up = await readImages(c, codec, model.imageShape, limits.maxBatch);
    const r = await model.encode({ data: up.pixels, shape: [up.count, h, w, ch] });
    return c.json({ fields: up.fields, mean: rowsOf(r.mean), logVar: r.logVar ? rowsOf(r.logVar) : null });
  });

  app.post('/v1/reconstruct', async (c) => {
    if (!model.hasEncoder) throw httpError(404, 'no_encoder', 'This bundle has no encoder.onnx; /v1/reconstruct is not available.');
    outputFormat(c);
    const up = await readImages(c, codec, model.imageShape, limits.maxBatch);
    const { mean } = await model.encode({ data: up.pixels, shape: [up.count, h, w, ch] });
    const images = await decode(mean.data);
    const encoding = c.req.query('encoding') === 'uint8' ? 'uint8' : 'float';
    return respondImages(c, images, { fields: up.fields, z: rowsOf(mean) }, encoding);
  });

  app.post('/v1/morph', async (c) => {
    outputFormat(c);
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let za: Float32Array;
    let zb: Float32Array;
    let steps: number;
    let endpoint = true;
    let encoding: 'float' | 'uint8' = 'float';
    if (type.startsWith('multipart/form-data')) {
      if (!model.hasEncoder) throw httpError(404, 'no_encoder', 'This bundle has no encoder.onnx; morph between latents (JSON a, b) instead of images.');
      const up = await readImages(c, codec, model.imageShape, 2);
      if (up.count !== 2) throw httpError(400, 'need_two_images', `Morphing images takes exactly two files (a and b); got ${up.count}.`);
      const stepsParam = c.req.query('steps') ?? '10';
      steps = Number(stepsParam);
      if (!(Number.isInteger(steps) && steps >= 2 && steps <= limits.maxSteps)) {
        throw httpError(400, 'invalid_steps', `steps must be an integer from 2 to ${limits.maxSteps}, got ${stepsParam.slice(0, 20)}.`);
      }
      const { mean } = await model.encode({ data: up.pixels, shape: [2, h, w, ch] });
      za = mean.data.slice(0, d);
      zb = mean.data.slice(d, 2 * d);
    } else {
      const b = await parseJson(c, schemas.morph);
      za = Float32Array.from(b.a);
      zb = Float32Array.from(b.b);
      steps = b.steps;
      endpoint = b.endpoint;
      encoding = b.encoding;
    }
    const t: number[] = [];
    const z = new Float32Array(steps * d);
    for (let i = 0; i < steps; i++) {
      const ti = endpoint ? i / (steps - 1) : i / steps;
      t.push(ti);
      for (let j = 0; j < d; j++) z[i * d + j] = za[j] * (1 - ti) + zb[j] * ti;
    }
    return respondImages(c, await decode(z), { t, z: rowsOf({ data: z, shape: [steps, d] }) }, encoding);
  });

  app.post('/v1/attributes/:name', async (c) => {
    const name = c.req.param('name');
    const vector = Object.hasOwn(model.attributes, name) ? model.attributes[name] : undefined;
    if (!vector) {
      const known = Object.keys(model.attributes);
      throw httpError(404, 'unknown_attribute', `No attribute "${name.slice(0, 60)}" in this bundle. Known: ${known.slice(0, 50).join(', ') || 'none (the bundle has no attributes.json)'}.`);
    }
    outputFormat(c);
    const b = await parseJson(c, schemas.attribute);
    let base: Float32Array;
    let seed: number | undefined;
    if (b.z) {
      base = new Float32Array(b.z.length * d);
      b.z.forEach((r, i) => base.set(r, i * d));
    } else {
      seed = b.seed ?? Math.floor(Math.random() * 2 ** 32);
      base = normals(createRng(seed), (b.n ?? 1) * d);
    }
    const rows = base.length / d;
    const nf = b.factors.length;
    const z = new Float32Array(rows * nf * d);
    for (let i = 0; i < rows; i++) {
      for (let f = 0; f < nf; f++) {
        for (let j = 0; j < d; j++) z[(i * nf + f) * d + j] = base[i * d + j] + b.factors[f] * vector[j];
      }
    }
    const extra = { attribute: name, factors: b.factors, ...(seed !== undefined ? { seed } : {}), z: rowsOf({ data: z, shape: [rows * nf, d] }) };
    const cols = c.req.query('cols');
    if (cols === undefined && outputFormat(c) === 'png') {
      // One row of factors per input latent, as the book's add_vector_to_images figure.
      const png = await codec.encodePng(contactSheet((await decode(z)).data, [rows * nf, h, w, ch], { cols: nf }));
      return c.body(png as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'image/png', 'x-image-count': String(rows * nf), ...(seed !== undefined ? { 'x-seed': String(seed) } : {}) });
    }
    return respondImages(c, await decode(z), extra, b.encoding);
  });

  app.get('/v1/model', (c) =>
    c.json({
      kind: model.manifest.kind,
      latentDim: d,
      imageShape: model.imageShape,
      labelNames: model.manifest.labelNames ?? null,
      attributes: Object.keys(model.attributes),
      hasEncoder: model.hasEncoder,
      provider: model.provider,
      data: model.manifest.data,
      epochs: model.manifest.epochs,
      finalLosses: model.manifest.finalLosses ?? null,
      onnx: model.manifest.onnx ?? null,
      limits,
      microBatch: batcher ? { maxBatch: batcher.maxBatch, maxWaitMs: batcher.maxWaitMs } : false,
    }),
  );
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (lifecycle.draining ? c.json({ ready: false, reason: 'draining' }, 503) : c.json({ ready: true })));
  app.get('/metrics', (c) => c.text(registry.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  const openapi = openApiDocument(model, schemas, limits);
  app.get('/openapi.json', (c) => c.json(openapi));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path.slice(0, 100)}. See GET /openapi.json.` } }, 404));
  app.onError((err, c) => {
    void c;
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof InputError) return errorResponse(422, 'invalid_input', err.message);
    if (err instanceof DisposedError) return errorResponse(503, 'unavailable', 'The model is shutting down.');
    onError(err);
    return errorResponse(500, 'internal_error', 'Unexpected server error; it was logged.');
  });
  return app;
}

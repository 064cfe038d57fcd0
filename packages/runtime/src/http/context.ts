/**
 * What every route group shares: the model, limits and schemas, the image codec, metrics, and the
 * helpers that read JSON bodies and write image answers. Built once per app by createContext.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { LatentModel } from '../common/latent-model.ts';
import type { OverloadedError } from '../common/errors.ts';
import type { TensorData } from '../common/tensor-data.ts';
import { contactSheet, toUint8 } from '../common/pixels.ts';
import { httpError, zodIssues } from './errors.ts';
import { DEFAULT_LIMITS, makeSchemas, type Limits, type Schemas } from './schemas.ts';
import { outputFormat } from './negotiate.ts';
import { pngCodec, type ImageCodec } from './image-codec.ts';
import { createAppMetrics, type AppMetrics } from './app-metrics.ts';
import { floatArrayJson, uint8ArrayJson } from './json-pixels.ts';
import { checkJsonShape } from '../common/json-shape.ts';

/** Shared with the server: it flips `draining` on SIGTERM so /readyz answers 503. */
export interface Lifecycle {
  draining: boolean;
}

export interface AppOptions {
  limits?: Partial<Limits>;
  /** Largest request body in bytes (default 4 MiB). */
  maxBodyBytes?: number;
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
  /**
   * Extra admission check, asked before a POST to /v1 reads its body (Node's server passes its
   * event-loop delay check): an OverloadedError refuses the request with 503 + Retry-After at once.
   * A micro-batched model's own queue check (MicroBatchedModel.admission) is always asked too.
   */
  admission?: () => OverloadedError | null;
  /**
   * The app's metrics, when the host made them (createAppMetrics) to count what it answers itself
   * (Node's server refuses before the app when it can); default: the app makes its own.
   */
  metrics?: AppMetrics;
}

export interface AppContext {
  model: LatentModel;
  limits: Limits;
  schemas: Schemas;
  codec: ImageCodec;
  lifecycle: Lifecycle;
  metrics: AppMetrics;
  maxBodyBytes: number;
  /** The body as JSON validated by `schema`; 415 for a non-JSON type, 400 for a body past the depth/array limits (checked before parsing), 400 naming each issue. */
  parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>>;
  /** Images as JSON ({ ...extra, images: { shape, encoding, data } }) or one PNG contact sheet. */
  respondImages(c: Context, images: TensorData, extra: Record<string, unknown>, encoding: 'float' | 'uint8', sheet?: { cols?: number }): Promise<Response>;
}

export function createContext(model: LatentModel, options: AppOptions): AppContext {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const codec = options.imageCodec ?? pngCodec();
  const decimals = options.jsonDecimals ?? 4;
  const metrics = options.metrics ?? createAppMetrics(model, options.processMetrics);

  const parseJson = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    // curl -d sends x-www-form-urlencoded and fetch(string) sends text/plain: read those as JSON too.
    if (type && !type.includes('json') && !type.startsWith('text/plain') && !type.startsWith('application/x-www-form-urlencoded')) {
      throw httpError(415, 'unsupported_media_type', `This route takes a JSON body (Content-Type: application/json); got ${type.slice(0, 80)}.`);
    }
    const text = await c.req.text();
    // Shape first, without building anything: a deep or huge tree must not cost a parse.
    const shape = checkJsonShape(text, { maxDepth: limits.maxJsonDepth, maxArrayLength: limits.maxJsonArrayLength });
    if (shape) {
      const what = shape.kind === 'depth' ? `nests deeper than ${shape.limit} levels` : `holds an array longer than ${shape.limit} elements`;
      throw httpError(400, 'json_too_complex', `The JSON body ${what} (at character ${shape.offset}); no route takes such a body.`);
    }
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

  /** `"images":{...}` built as text: the pixel array is most of the response and JSON.stringify is slow on it. */
  const imagesJson = (t: TensorData, encoding: 'float' | 'uint8') =>
    `{"shape":${JSON.stringify(t.shape)},"encoding":"${encoding}","data":${encoding === 'uint8' ? uint8ArrayJson(toUint8(t.data)) : floatArrayJson(t.data, decimals)}}`;

  const respondImages = async (c: Context, images: TensorData, extra: Record<string, unknown>, encoding: 'float' | 'uint8', sheet: { cols?: number } = {}) => {
    metrics.decoded.inc({}, images.shape[0]);
    if (outputFormat(c) === 'png') {
      const colsParam = c.req.query('cols');
      let cols = sheet.cols;
      if (colsParam !== undefined) {
        cols = Number(colsParam);
        if (!(Number.isInteger(cols) && cols >= 1 && cols <= 1024)) {
          throw httpError(400, 'invalid_cols', `cols must be an integer from 1 to 1024, got ${String(colsParam).slice(0, 20)}.`);
        }
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

  return {
    model,
    limits,
    schemas: makeSchemas(model.latentDim, limits, model.classes, model.pca?.components.length ?? 0),
    codec,
    lifecycle: options.lifecycle ?? { draining: false },
    metrics,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    parseJson,
    respondImages,
  };
}

/** [N, k] tensor -> N rows of numbers (for JSON). */
export function rowsOf(t: TensorData): number[][] {
  const n = t.shape[0];
  const k = t.data.length / n;
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = Array.from(t.data.subarray(i * k, (i + 1) * k));
  return out;
}

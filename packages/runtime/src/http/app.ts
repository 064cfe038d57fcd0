/**
 * createApp(model, options) -> a Hono app serving one LatentModel, composed of route groups
 * (routes/generation.ts, images.ts, attributes.ts, ops.ts) that share one AppContext (context.ts).
 * It never listens: serve-node.ts runs it on @hono/node-server, and any fetch-style runtime
 * (workerd, Deno, Bun) can call app.fetch. Nothing here imports Node modules or sharp.
 *
 * Micro-batching and admission control are not wired here: pass `microBatched(model, ...)`
 * (common/micro-batcher.ts) as the model; its OverloadedError becomes a 503 with Retry-After.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { LatentModel } from '../common/latent-model.ts';
import { InputError, DisposedError, OverloadedError } from '../common/errors.ts';
import { MicroBatchedModel } from '../common/micro-batcher.ts';
import { ClassError } from '../common/classes.ts';
import { errorResponse, httpError } from './errors.ts';
import { createContext, type AppOptions } from './context.ts';
import { generationRoutes } from './routes/generation.ts';
import { imageRoutes } from './routes/images.ts';
import { attributeRoutes } from './routes/attributes.ts';
import { opsRoutes } from './routes/ops.ts';
import { traverseRoutes } from './routes/traverse.ts';

export type { AppOptions, Lifecycle } from './context.ts';

/**
 * True when `err` comes from the client closing its connection before its request was read: the
 * request's signal has aborted, or the error (or its cause) is Node's `aborted` / ECONNRESET or an
 * AbortError from the body stream. Counted as 499 (client closed request), not logged.
 */
export function isClientAbort(err: unknown, req: Request): boolean {
  return req.signal?.aborted === true || isAbortError(err, 4);
}

function isAbortError(err: unknown, depth: number): boolean {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object' || depth === 0) return false;
  if (e.name === 'AbortError' || e.code === 'ECONNRESET' || e.code === 'ECONNABORTED' || e.message === 'aborted') return true;
  return isAbortError(e.cause, depth - 1);
}

export function createApp(model: LatentModel, options: AppOptions = {}): Hono {
  const ctx = createContext(model, options);
  const { metrics } = ctx;
  const onError = options.onError ?? ((e) => console.error('[latentkit] unexpected error:', e));
  let knownRoutes = new Set<string>();

  const app = new Hono();
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    metrics.inFlight.value++;
    try {
      await next();
    } finally {
      metrics.inFlight.value--;
      const known = knownRoutes.has(routePath(c, -1));
      const route = known ? routePath(c, -1) : 'unmatched';
      metrics.requests.inc({ route, method: known ? c.req.method : 'other', status: String(c.res.status) });
      metrics.durations.observe((performance.now() - t0) / 1000, { route });
    }
  });
  if (options.corsOrigin !== false) {
    app.use('*', cors({ origin: options.corsOrigin ?? '*', allowMethods: ['GET', 'POST', 'OPTIONS'], exposeHeaders: ['x-seed', 'x-image-count', 'retry-after'] }));
  }
  // Admission control before any body is read: refusing must cost far less than serving, or an
  // overloaded server spends its time refusing. decode() checks again with the request's real rows.
  const batched = model instanceof MicroBatchedModel ? model : null;
  app.use('/v1/*', async (c, next) => {
    if (c.req.method === 'POST') {
      const refusal = options.admission?.() ?? batched?.admission(1) ?? null;
      if (refusal) throw refusal;
    }
    await next();
  });
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: ctx.maxBodyBytes,
      onError: () => {
        throw httpError(413, 'body_too_large', `The body is larger than ${ctx.maxBodyBytes} bytes.`);
      },
    }),
  );

  app.route('/v1', generationRoutes(ctx));
  app.route('/v1', imageRoutes(ctx));
  app.route('/v1', attributeRoutes(ctx));
  app.route('/v1', traverseRoutes(ctx));
  app.route('/', opsRoutes(ctx));
  // The metrics' route label: the routes the groups registered (middleware excluded), not a hand-kept list.
  knownRoutes = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path.slice(0, 100)}. See GET /openapi.json.` } }, 404));
  app.onError((err, c) => {
    // The client went away mid-request (its body stream failed): nobody reads an answer; nginx's 499.
    if (isClientAbort(err, c.req.raw)) return new Response(null, { status: 499 });
    if (err instanceof HTTPException) return err.getResponse();
    // A bad or missing class (conditional VAEs) is a 400 naming the field and the valid classes.
    if (err instanceof ClassError) return errorResponse(400, 'invalid_class', err.message, [{ path: err.field, message: err.message }]);
    if (err instanceof InputError) return errorResponse(422, 'invalid_input', err.message);
    if (err instanceof OverloadedError) {
      metrics.rejected.inc({ reason: err.reason });
      return errorResponse(503, 'overloaded', err.message, undefined, { 'retry-after': String(err.retryAfterSeconds) });
    }
    if (err instanceof DisposedError) return errorResponse(503, 'unavailable', 'The model is shutting down.');
    onError(err);
    return errorResponse(500, 'internal_error', 'Unexpected server error; it was logged.');
  });
  return app;
}

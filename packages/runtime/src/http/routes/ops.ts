/** Operations routes: GET /v1/model, /healthz, /readyz (503 while draining), /metrics, /openapi.json. */
import { Hono } from 'hono';
import { MicroBatchedModel } from '../../common/micro-batcher.ts';
import type { AppContext } from '../context.ts';
import { openApiDocument } from '../openapi.ts';

export function opsRoutes(ctx: AppContext): Hono {
  const { model, limits, lifecycle, metrics } = ctx;
  const routes = new Hono();
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const microBatch =
    model instanceof MicroBatchedModel
      ? { maxBatch: model.maxBatch, maxWaitMs: model.maxWaitMs, maxQueueRows: finite(model.maxQueueRows), maxQueueWaitMs: finite(model.maxQueueWaitMs) }
      : false;

  routes.get('/v1/model', (c) =>
    c.json({
      kind: model.manifest.kind ?? null,
      spec: model.manifest.spec,
      latentDim: model.latentDim,
      imageShape: model.imageShape,
      labelNames: model.manifest.labelNames ?? null,
      classes: model.classes ?? null,
      attributes: Object.keys(model.attributes),
      hasEncoder: model.hasEncoder,
      pca: model.pca ? { components: model.pca.components.length, explainedVarianceRatio: model.pca.explainedVarianceRatio, count: model.pca.count, source: model.pca.source } : null,
      provider: model.provider,
      data: model.manifest.data,
      epochs: model.manifest.epochs,
      finalLosses: model.manifest.finalLosses ?? null,
      onnx: model.manifest.onnx ?? null,
      limits,
      microBatch,
    }),
  );
  routes.get('/healthz', (c) => c.json({ status: 'ok' }));
  routes.get('/readyz', (c) => (lifecycle.draining ? c.json({ ready: false, reason: 'draining' }, 503) : c.json({ ready: true })));
  routes.get('/metrics', (c) => c.text(metrics.registry.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  const openapi = openApiDocument(model, ctx.schemas, limits);
  routes.get('/openapi.json', (c) => c.json(openapi));

  return routes;
}

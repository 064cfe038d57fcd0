/**
 * POST /traverse (mounted under /v1): one latent direction from -k to +k standard deviations around
 * a base, by LatentModel.traverse (common/traverse.ts has the formula). The base is JSON `z`, a
 * `seed`'s sample, or one uploaded image (multipart; the model encodes it to its mean, and the other
 * fields come as query parameters: ?dimension=3&k=2&steps=9). Limits are the schema's (schemas.ts):
 * a value out of range is a 400 naming the field.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { rowsOf } from '../context.ts';
import { httpError, zodIssues } from '../errors.ts';
import { outputFormat } from '../negotiate.ts';
import { readImages } from '../uploads.ts';
import { classOf, classQuery } from '../class-param.ts';
import type { ClassOptions } from '../../common/latent-model.ts';

const NUMERIC_QUERY = ['dimension', 'component', 'k', 'steps'] as const;

export function traverseRoutes(ctx: AppContext): Hono {
  const { model, schemas } = ctx;
  const routes = new Hono();

  routes.post('/traverse', async (c) => {
    outputFormat(c);
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let base: number[] | Float32Array;
    let seed: number | undefined;
    let body;
    let cls: ClassOptions;
    if (type.startsWith('multipart/form-data')) {
      if (!model.hasEncoder) throw httpError(404, 'no_encoder', 'This bundle has no encoder.onnx; traverse around a latent (JSON z or seed) instead of an image.');
      const query: Record<string, unknown> = {};
      for (const key of NUMERIC_QUERY) {
        const v = c.req.query(key);
        if (v !== undefined) query[key] = v.trim() === '' ? v : Number(v);
      }
      const encoding = c.req.query('encoding');
      if (encoding !== undefined) query.encoding = encoding;
      const r = schemas.traverse.safeParse(query);
      if (!r.success) {
        const issues = zodIssues(r.error);
        throw httpError(400, 'invalid_request', `Invalid query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ').slice(0, 500)}`, issues);
      }
      body = r.data;
      cls = classQuery(c);
      const up = await readImages(c, ctx.codec, model.imageShape, 1, ctx.limits.maxUploadPixels);
      base = up.pixels;
    } else {
      body = await ctx.parseJson(c, schemas.traverse);
      cls = classOf(body);
      if (body.z) base = body.z;
      else {
        const s = model.sampleLatents(1, { seed: body.seed });
        base = s.z.data;
        seed = s.seed;
      }
    }
    const direction = body.dimension !== undefined ? { dimension: body.dimension } : { component: body.component as number };
    const r = await model.traverse(base, direction, { k: body.k, steps: body.steps, ...cls });
    const extra = { ...direction, k: body.k, sd: r.sd, offsets: Array.from(r.offsets), ...(seed !== undefined ? { seed } : {}), z: rowsOf(r.z) };
    return ctx.respondImages(c, r.images, extra, body.encoding, { cols: body.steps });
  });

  return routes;
}

/** Image routes: POST /encode and /reconstruct (mounted under /v1), uploads through the app's codec. */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { rowsOf } from '../context.ts';
import { httpError } from '../errors.ts';
import { outputFormat } from '../negotiate.ts';
import { readImages } from '../uploads.ts';
import { classQuery } from '../class-param.ts';

export function imageRoutes(ctx: AppContext): Hono {
  const { model, limits } = ctx;
  const [h, w, ch] = model.imageShape;
  const routes = new Hono();
  const needEncoder = (route: string) => {
    if (!model.hasEncoder) throw httpError(404, 'no_encoder', `This bundle has no encoder.onnx; /v1/${route} is not available.`);
  };

  routes.post('/encode', async (c) => {
    needEncoder('encode');
    const up = await readImages(c, ctx.codec, model.imageShape, limits.maxBatch, limits.maxUploadPixels);
    const r = await model.encode({ data: up.pixels, shape: [up.count, h, w, ch] }, classQuery(c));
    return c.json({ fields: up.fields, mean: rowsOf(r.mean), logVar: r.logVar ? rowsOf(r.logVar) : null });
  });

  routes.post('/reconstruct', async (c) => {
    needEncoder('reconstruct');
    outputFormat(c);
    const up = await readImages(c, ctx.codec, model.imageShape, limits.maxBatch, limits.maxUploadPixels);
    // model.reconstruct() without throwing the latents away: the answer reports z too.
    const cls = classQuery(c);
    const { mean } = await model.encode({ data: up.pixels, shape: [up.count, h, w, ch] }, cls);
    const images = await model.decode(mean, cls);
    const encoding = c.req.query('encoding') === 'uint8' ? 'uint8' : 'float';
    return ctx.respondImages(c, images, { fields: up.fields, z: rowsOf(mean) }, encoding);
  });

  return routes;
}

/**
 * Generation routes: POST /sample, /decode, /morph (mounted under /v1). The latent maths is the
 * LatentModel's (sample, decode, morph); these handlers only validate, call it and answer.
 */
import { Hono } from 'hono';
import type { AppContext } from '../context.ts';
import { rowsOf } from '../context.ts';
import { httpError } from '../errors.ts';
import { outputFormat } from '../negotiate.ts';
import { readImages } from '../uploads.ts';
import { classOf, classQuery } from '../class-param.ts';

export function generationRoutes(ctx: AppContext): Hono {
  const { model, schemas, limits } = ctx;
  const routes = new Hono();

  routes.post('/sample', async (c) => {
    outputFormat(c); // fail fast on a bad Accept before decoding
    const b = await ctx.parseJson(c, schemas.sample);
    const { z, images, seed } = await model.sample(b.n, { seed: b.seed, temperature: b.temperature, ...classOf(b) });
    return ctx.respondImages(c, images, { seed, ...(b.includeLatents ? { z: rowsOf(z) } : {}) }, b.encoding);
  });

  routes.post('/decode', async (c) => {
    outputFormat(c);
    const b = await ctx.parseJson(c, schemas.decode);
    return ctx.respondImages(c, await model.decode(b.z, classOf(b)), {}, b.encoding);
  });

  routes.post('/morph', async (c) => {
    outputFormat(c);
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (type.startsWith('multipart/form-data')) {
      // Two uploaded images: the model encodes each to its mean and morphs between them.
      if (!model.hasEncoder) throw httpError(404, 'no_encoder', 'This bundle has no encoder.onnx; morph between latents (JSON a, b) instead of images.');
      const stepsParam = c.req.query('steps') ?? '10';
      const steps = Number(stepsParam);
      if (!(Number.isInteger(steps) && steps >= 2 && steps <= limits.maxSteps)) {
        throw httpError(400, 'invalid_steps', `steps must be an integer from 2 to ${limits.maxSteps}, got ${stepsParam.slice(0, 20)}.`);
      }
      const interpolation = c.req.query('interpolation') ?? 'linear';
      if (interpolation !== 'linear' && interpolation !== 'slerp') {
        throw httpError(400, 'invalid_interpolation', `interpolation must be linear or slerp, got ${interpolation.slice(0, 20)}.`);
      }
      const up = await readImages(c, ctx.codec, model.imageShape, 2, ctx.limits.maxUploadPixels);
      if (up.count !== 2) throw httpError(400, 'need_two_images', `Morphing images takes exactly two files (a and b); got ${up.count}.`);
      const size = up.pixels.length / 2;
      const r = await model.morph(up.pixels.subarray(0, size), up.pixels.subarray(size), steps, { interpolation, ...classQuery(c) });
      return ctx.respondImages(c, r.images, { t: Array.from(r.t), z: rowsOf(r.z) }, 'float');
    }
    const b = await ctx.parseJson(c, schemas.morph);
    const r = await model.morph(b.a, b.b, b.steps, { endpoint: b.endpoint, interpolation: b.interpolation, ...classOf(b) });
    return ctx.respondImages(c, r.images, { t: Array.from(r.t), interpolation: b.interpolation, z: rowsOf(r.z) }, b.encoding);
  });

  return routes;
}

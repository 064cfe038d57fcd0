/** Attribute routes: POST /attributes/{name} (mounted under /v1): z + f * vector(name), by LatentModel.applyAttribute. */
import { Hono } from 'hono';
import type { LatentInput } from '../../common/latent-model.ts';
import type { AppContext } from '../context.ts';
import { rowsOf } from '../context.ts';
import { httpError } from '../errors.ts';
import { outputFormat } from '../negotiate.ts';

export function attributeRoutes(ctx: AppContext): Hono {
  const { model, schemas } = ctx;
  const routes = new Hono();

  routes.post('/attributes/:name', async (c) => {
    const name = c.req.param('name');
    if (!Object.hasOwn(model.attributes, name)) {
      const known = Object.keys(model.attributes);
      throw httpError(404, 'unknown_attribute', `No attribute "${name.slice(0, 60)}" in this bundle. Known: ${known.slice(0, 50).join(', ') || 'none (the bundle has no attributes.json)'}.`);
    }
    outputFormat(c);
    const b = await ctx.parseJson(c, schemas.attribute);
    let base: LatentInput;
    let seed: number | undefined;
    if (b.z) base = b.z;
    else ({ z: base, seed } = model.sampleLatents(b.n ?? 1, { seed: b.seed }));
    const { z, images } = await model.applyAttribute(base, name, b.factors);
    const extra = { attribute: name, factors: b.factors, ...(seed !== undefined ? { seed } : {}), z: rowsOf(z) };
    // As a PNG: one row of factors per input latent, as the book's add_vector_to_images figure.
    return ctx.respondImages(c, images, extra, b.encoding, { cols: b.factors.length });
  });

  return routes;
}

/**
 * The class of a conditional VAE's request (common/classes.ts): from a validated JSON body's `class`
 * field, or from the `?class=` query parameter of upload routes (/encode, /reconstruct, multipart
 * /morph), by name or index. A wrong one throws ClassError, which the app answers with a 400 naming
 * the field `class` and the valid classes.
 */
import type { Context } from 'hono';
import type { ClassOptions } from '../common/latent-model.ts';

/** `{ class }` from a parsed body when it has one, else {} (the model then refuses a missing class itself). */
export function classOf(body: { class?: string | number }): ClassOptions {
  return body.class === undefined ? {} : { class: body.class };
}

/** `{ class }` from `?class=NAME|INDEX`, else {}. */
export function classQuery(c: Context): ClassOptions {
  const value = c.req.query('class');
  return value === undefined ? {} : { class: value };
}

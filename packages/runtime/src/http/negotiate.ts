/** JSON or PNG by `?format=` or the Accept header; anything else is a 406 that says what is offered. */
import type { Context } from 'hono';
import { httpError } from './errors.ts';

export type OutputFormat = 'json' | 'png';

export function outputFormat(c: Context): OutputFormat {
  const q = c.req.query('format');
  if (q !== undefined) {
    if (q === 'json' || q === 'png') return q;
    throw httpError(400, 'invalid_format', `format=${JSON.stringify(q).slice(0, 40)} is not supported; use format=json or format=png.`);
  }
  const accept = c.req.header('accept');
  if (!accept) return 'json';
  let best: OutputFormat | undefined;
  let bestQ = 0;
  for (const part of accept.split(',').slice(0, 32)) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    let qv = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q') qv = Number(v);
    }
    if (!(qv > 0)) continue;
    const t = type.trim();
    const f: OutputFormat | undefined =
      t === 'application/json' || t === 'application/*' || t === '*/*' ? 'json' : t === 'image/png' || t === 'image/*' ? 'png' : undefined;
    // Ties go to the explicit type over wildcards: compare q, then prefer non-wildcards.
    if (f && (qv > bestQ || (qv === bestQ && !t.includes('*')))) {
      best = f;
      bestQ = qv;
    }
  }
  if (!best) throw httpError(406, 'not_acceptable', `Accept: ${accept.slice(0, 80)} matches nothing offered here; this route answers application/json or image/png.`);
  return best;
}

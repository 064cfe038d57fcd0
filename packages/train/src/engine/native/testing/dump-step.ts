/**
 * Writes one step of native.test.ts's float64 comparison as JSON, on our native path and on tfjs's own
 * path (same 'tensorflow' backend), for reading with reference_f64.py by hand:
 *   node --import tsx dump-step.ts <ae|vae|faces-vae> <batch> <out.json>
 *   "$(bash scripts/python/env.sh)" reference_f64.py <out.json>     # the per-tensor table
 */
import { writeFileSync } from 'node:fs';
import type { ModelKind } from '../../../types.ts';
import { stepOnBothPaths } from './step.ts';

async function main(): Promise<void> {
  const [kind, batch, file] = process.argv.slice(2);
  if (!kind || !batch || !file) throw new Error('usage: dump-step.ts <ae|vae|faces-vae> <batch> <out.json>');
  writeFileSync(file, JSON.stringify(await stepOnBothPaths(kind as ModelKind, Number(batch))));
}

await main();

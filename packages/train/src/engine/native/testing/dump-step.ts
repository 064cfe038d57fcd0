/**
 * Writes one step of native.test.ts's float64 comparison as JSON, on our native path and on tfjs's own
 * path (same 'tensorflow' backend), for reading with reference_f64.py by hand:
 *   node --import tsx dump-step.ts <ae|vae|faces-vae> <batch> <out.json>
 *   "$(bash scripts/python/env.sh)" reference_f64.py <out.json>     # the per-tensor table
 */
import { writeFileSync } from 'node:fs';
import type { ModelKind } from '../../../types.ts';
import { withStockGradients } from '../../gradients/register.ts';
import { initEngine } from '../../select.ts';
import { withoutNativeGradients } from '../register.ts';
import { parityStep } from './step.ts';

async function main(): Promise<void> {
  const [kind, batch, file] = process.argv.slice(2);
  if (!kind || !batch || !file) throw new Error('usage: dump-step.ts <ae|vae|faces-vae> <batch> <out.json>');
  await initEngine('tfjs-node', { log: () => {} });
  const ours = parityStep(kind as ModelKind, Number(batch));
  const stock = await withoutNativeGradients(() => withStockGradients(() => parityStep(kind as ModelKind, Number(batch))));
  writeFileSync(file, JSON.stringify({ ...ours.inputs, ours: ours.out, stock: stock.out }));
}

await main();

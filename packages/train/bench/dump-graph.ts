/**
 * Writes the compiled step's graph of one model as a SavedModel file, for bench/graph_profile.py
 * (per-op times in TensorFlow's own profiler). Prints the graph's node count, the eager step's op
 * calls and what each graph rewrite changed.
 *
 * usage: node --import tsx bench/dump-graph.ts ae|vae|faces-vae|SPEC.json BATCH OUT_DIR
 *   writes OUT_DIR/graph-1.pb (session.ts's LATENTKIT_DUMP_GRAPH)
 */
import { readFileSync } from 'node:fs';
import { parseModelSpec, type ModelSpec } from '@latentkit/format';
import { buildModel, Adam } from '@latentkit/models';
import { initEngine } from '../src/engine/select.ts';
import { CompiledStep } from '../src/training/compiled-step.ts';
import type { ModelKind } from '../src/types.ts';

const [what, batch, out] = process.argv.slice(2);
if (!what || !batch || !out) {
  console.error('usage: dump-graph.ts ae|vae|faces-vae|SPEC.json BATCH OUT_DIR');
  process.exit(2);
}
process.env.LATENTKIT_DUMP_GRAPH = out;
await initEngine('tfjs-node', { log: () => {} });
const model: ModelKind | ModelSpec = what.endsWith('.json') ? parseModelSpec(JSON.parse(readFileSync(what, 'utf8')), what) : (what as ModelKind);
const step = CompiledStep.create(buildModel(model, { seed: 1 }), new Adam({ learningRate: 1e-3 }), { batchSizes: [Number(batch)] });
console.log(`${what} batch ${batch}: ${step.graphNodes} graph nodes (eager step: ${step.eagerOps[Number(batch)]} op calls); rewrites ${JSON.stringify(step.rewrites)}; written to ${out}/graph-1.pb`);
step.dispose();

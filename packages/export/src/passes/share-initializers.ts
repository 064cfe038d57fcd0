/**
 * Merges initializers that hold the same tensor (type, dims and bytes) into one, rewiring the
 * nodes that read them. Inlining converts a nested model once per application, so a model applied
 * twice would otherwise store its weights twice; after this pass every weight is stored once.
 * Run last, after the passes that rewrite weights (BN folding, layout folding, fp16), so both
 * copies have been rewritten identically before they are compared.
 */
import { createHash } from 'node:crypto';
import type { GraphProto, TensorProto } from '../proto/onnx-types.ts';

function fingerprint(t: TensorProto): string | undefined {
  // Only raw_data tensors (what GraphBuilder writes); typed-field tensors are left alone.
  if (!t.raw_data || t.data_location) return undefined;
  const h = createHash('sha256');
  h.update(`${t.data_type}|${(t.dims ?? []).join(',')}|`);
  h.update(t.raw_data);
  return h.digest('hex');
}

/** Returns the number of initializers removed. */
export function shareInitializers(graph: GraphProto): number {
  const graphInputs = new Set(graph.input.map((i) => i.name));
  const first = new Map<string, string>();
  const alias = new Map<string, string>();
  const kept: TensorProto[] = [];
  for (const t of graph.initializer) {
    const name = t.name ?? '';
    const fp = graphInputs.has(name) ? undefined : fingerprint(t);
    const same = fp === undefined ? undefined : first.get(fp);
    if (same !== undefined) {
      alias.set(name, same);
      continue;
    }
    if (fp !== undefined) first.set(fp, name);
    kept.push(t);
  }
  if (!alias.size) return 0;
  graph.initializer = kept;
  for (const n of graph.node) n.input = n.input.map((i) => alias.get(i) ?? i);
  return alias.size;
}

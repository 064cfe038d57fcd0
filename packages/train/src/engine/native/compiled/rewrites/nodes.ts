/**
 * What the rewrites read from a GraphDef under construction: a node's data and control inputs, nodes
 * by name, an int32 constant's values, and attribute helpers. Tensor references
 * follow TensorFlow: "node" (output 0), "node:k", "^node" for a control input.
 */
import type { AttrValueObject, NodeDefObject, TensorRef } from '../graph-def.ts';

/** DataType codes used by the rewrites (types.proto). */
export const DT_INT32 = 3;

/** The graph a rewrite works on: its nodes and the static shapes known for its tensors. */
export interface RewriteGraph {
  readonly nodes: readonly NodeDefObject[];
  readonly shapes: ReadonlyMap<TensorRef, readonly number[]>;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const nhwc = (): AttrValueObject => ({ s: utf8('NHWC') });

/** The node's data inputs (control inputs "^x" left out). */
export const dataInputs = (n: NodeDefObject): TensorRef[] => n.input.filter((i) => !i.startsWith('^'));
/** The node's control inputs ("^x"). */
export const controlInputs = (n: NodeDefObject): TensorRef[] => n.input.filter((i) => i.startsWith('^'));

/** Nodes by name, for looking up producers. */
export function byName(nodes: readonly NodeDefObject[]): Map<string, NodeDefObject> {
  return new Map(nodes.map((n) => [n.name, n]));
}

/** The values of an int32 Const node, or undefined for any other node. */
export function int32Values(n: NodeDefObject | undefined): Int32Array | undefined {
  const t = n?.op === 'Const' ? n.attr.value?.tensor : undefined;
  if (t === undefined || t.dtype !== DT_INT32) return undefined;
  const bytes = t.tensor_content;
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

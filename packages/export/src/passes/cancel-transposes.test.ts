/**
 * cancel-transposes on small hand-built graphs: which Transposes go, which must stay, and that the
 * rewritten graph computes the same numbers in onnxruntime-node as the original.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attr } from '../graph/attributes.ts';
import { GraphBuilder } from '../graph/graph-builder.ts';
import { encodeModel } from '../proto/onnx-proto.ts';
import type { GraphProto } from '../proto/onnx-types.ts';
import { maxAbsDiff, run, uniform } from '../testing/ort.ts';
import { cancelTransposes } from './cancel-transposes.ts';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const DIMS = [2, 3, 4, 5];

const bytesOf = (graph: GraphProto) =>
  encodeModel({ ir_version: 8, opset_import: [{ domain: '', version: 17 }], producer_name: 'test', graph: structuredClone(graph) });

/** Runs `graph` before and after the pass on the same inputs; returns the pass's count, the ops left and the max difference. */
async function rewrite(b: GraphBuilder): Promise<{ removed: number; ops: string[]; diff: number }> {
  const graph = b.build('g');
  const feeds = Object.fromEntries(graph.input.map((i, k) => [i.name, { data: uniform(120, k + 1, -1, 1), dims: DIMS }]));
  const before = await run(bytesOf(graph), feeds);
  const removed = cancelTransposes(graph);
  const after = await run(bytesOf(graph), feeds);
  const diff = Math.max(...graph.output.map((o) => maxAbsDiff(after[o.name].data, before[o.name].data)));
  return { removed, ops: graph.node.map((n) => n.op_type), diff };
}

function inputs(b: GraphBuilder, ...names: string[]): string[] {
  return names.map((n) => b.addInput(b.reserve(n), DIMS));
}

test('a Transpose and its inverse cancel; the graph output keeps its name', async () => {
  const b = new GraphBuilder(17);
  const [x] = inputs(b, 'x');
  const r = b.op('Relu', [x]);
  const t = b.op('Transpose', [b.op('Transpose', [r], [attr.ints('perm', TO_NCHW)])], [attr.ints('perm', TO_NHWC)]);
  b.addOutput(t, b.reserve('y'), DIMS);
  const { removed, ops, diff } = await rewrite(b);
  assert.equal(removed, 2);
  assert.deepEqual(ops, ['Relu']);
  assert.equal(diff, 0);
});

test('two Transposes that do not cancel become one', async () => {
  const b = new GraphBuilder(17);
  const [x] = inputs(b, 'x');
  const t = b.op('Transpose', [b.op('Transpose', [x], [attr.ints('perm', TO_NCHW)])], [attr.ints('perm', TO_NCHW)]);
  b.addOutput(t, b.reserve('y'), [2, 4, 5, 3]);
  const { removed, ops, diff } = await rewrite(b);
  assert.equal(removed, 1);
  assert.deepEqual(ops, ['Transpose']);
  assert.equal(diff, 0);
});

test('an elementwise region (Add, Relu, swish, a scalar Mul, Concat) between Transposes and their inverses loses them all', async () => {
  const b = new GraphBuilder(17);
  const [x, y] = inputs(b, 'x', 'y');
  const tx = b.op('Transpose', [x], [attr.ints('perm', TO_NCHW)]);
  const ty = b.op('Transpose', [y], [attr.ints('perm', TO_NCHW)]);
  const sum = b.op('Relu', [b.op('Add', [tx, ty])]);
  const swish = b.op('Mul', [sum, b.op('Sigmoid', [sum])]);
  const scaled = b.op('Mul', [swish, b.floatConstant('two', [2], [])]);
  const joined = b.op('Concat', [scaled, tx], [attr.i('axis', 1)]); // channels in NCHW: axis 3 of the NHWC inputs
  b.addOutput(b.op('Transpose', [joined], [attr.ints('perm', TO_NHWC)]), b.reserve('out'), [2, 3, 4, 10]);
  b.addOutput(b.op('Transpose', [sum], [attr.ints('perm', TO_NHWC)]), b.reserve('sum'), DIMS);
  const { removed, ops, diff } = await rewrite(b);
  assert.equal(removed, 4);
  assert.ok(!ops.includes('Transpose'), ops.join(','));
  assert.equal(diff, 0);
});

test('a per-channel constant or a graph output inside the region keeps the Transposes (still correct)', async () => {
  const b = new GraphBuilder(17);
  const [x] = inputs(b, 'x');
  const tx = b.op('Transpose', [x], [attr.ints('perm', TO_NCHW)]);
  const scaled = b.op('Mul', [tx, b.floatConstant('per_channel', [1, 2, 3, 4, 5], [1, 5, 1, 1])]);
  b.addOutput(b.op('Transpose', [scaled], [attr.ints('perm', TO_NHWC)]), b.reserve('a'), DIMS);
  const relu = b.op('Relu', [tx]);
  const back = b.op('Transpose', [b.op('Relu', [relu])], [attr.ints('perm', TO_NHWC)]);
  b.addOutput(relu, b.reserve('nchw'), [2, 5, 3, 4]);
  b.addOutput(back, b.reserve('b'), DIMS);
  const { removed, ops, diff } = await rewrite(b);
  assert.equal(removed, 0);
  assert.equal(ops.filter((o) => o === 'Transpose').length, 3);
  assert.equal(diff, 0);
});

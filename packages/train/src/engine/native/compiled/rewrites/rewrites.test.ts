import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeDefObject, TensorRef } from '../graph-def.ts';
import { DT_INT32 } from './nodes.ts';
import { rewriteGraph } from './index.ts';

const FLOAT = { type: 1 };
const int32Const = (name: string, values: number[]): NodeDefObject => ({
  name, op: 'Const', input: [],
  attr: { dtype: { type: DT_INT32 }, value: { tensor: { dtype: DT_INT32, tensor_shape: { dim: [{ size: values.length }] }, tensor_content: new Uint8Array(new Int32Array(values).buffer) } } },
});
const op = (name: string, kind: string, input: string[], attr: NodeDefObject['attr'] = { T: FLOAT }): NodeDefObject => ({ name, op: kind, input, attr });
const graph = (nodes: NodeDefObject[], shapes: [TensorRef, number[]][]) => ({ nodes, shapes: new Map(shapes) });

test('a Sum over every axis but the last becomes BiasAddGrad, keeping control inputs; other Sums stay', () => {
  const g = graph([
    int32Const('axes3', [0, 1, 2]), int32Const('axes1', [0]), int32Const('inner', [1, 2]),
    op('dy', 'Placeholder', []), op('dz', 'Placeholder', []),
    op('db', 'Sum', ['dy', 'axes3', '^dz'], { T: FLOAT, Tidx: { type: DT_INT32 }, keep_dims: { b: false } }),
    op('dd', 'Sum', ['dz', 'axes1'], { T: FLOAT, Tidx: { type: DT_INT32 }, keep_dims: { b: false } }),
    op('kept', 'Sum', ['dy', 'axes3'], { T: FLOAT, Tidx: { type: DT_INT32 }, keep_dims: { b: true } }),
    op('spatial', 'Sum', ['dy', 'inner'], { T: FLOAT, Tidx: { type: DT_INT32 }, keep_dims: { b: false } }),
  ], [['dy', [4, 5, 5, 8]], ['dz', [4, 8]]]);
  assert.deepEqual(rewriteGraph(g)['sum-to-bias-add-grad'], 2);
  const [db, dd, kept, spatial] = g.nodes.slice(5);
  assert.equal(db!.op, 'BiasAddGrad');
  assert.deepEqual(db!.input, ['dy', '^dz']);
  assert.equal(new TextDecoder().decode(db!.attr.data_format!.s), 'NHWC');
  assert.deepEqual(db!.attr.T, FLOAT);
  assert.equal(dd!.op, 'BiasAddGrad');
  assert.equal(kept!.op, 'Sum', 'keep_dims: the output keeps rank 4, not a BiasAddGrad');
  assert.equal(spatial!.op, 'Sum', 'a sum over H and W only');
});

test('an Add of a bias reshaped to [1, 1, 1, c] becomes BiasAdd of the 1-D bias; other broadcasts stay', () => {
  const g = graph([
    op('x', 'Placeholder', []), op('b', 'Placeholder', []), op('s', 'Placeholder', []), int32Const('shape', [1, 1, 1, 8]),
    op('b4', 'Reshape', ['b', 'shape']), op('s4', 'Reshape', ['s', 'shape']),
    op('y', 'Add', ['x', 'b4']),
    op('wrong', 'Add', ['x', 's4']),
  ], [['x', [2, 3, 3, 8]], ['b', [8]], ['s', [8]], ['b4', [1, 1, 1, 8]], ['s4', [1, 3, 1, 8]], ['y', [2, 3, 3, 8]]]);
  assert.equal(rewriteGraph(g)['reshaped-bias-add'], 1);
  const y = g.nodes.find((n) => n.name === 'y')!;
  assert.equal(y.op, 'BiasAdd');
  assert.deepEqual(y.input, ['x', 'b']);
  assert.equal(g.nodes.find((n) => n.name === 'wrong')!.op, 'Add', 'a [1, 3, 1, 8] operand is not a bias');
});

test('LATENTKIT_GRAPH_REWRITES_OFF leaves the named rewrites out', () => {
  const g = graph([int32Const('axes', [0]), op('dz', 'Placeholder', []), op('db', 'Sum', ['dz', 'axes'], { T: FLOAT, keep_dims: { b: false } })], [['dz', [4, 8]]]);
  process.env.LATENTKIT_GRAPH_REWRITES_OFF = 'sum-to-bias-add-grad';
  try {
    assert.deepEqual(Object.keys(rewriteGraph(g)), ['reshaped-bias-add']);
  } finally {
    delete process.env.LATENTKIT_GRAPH_REWRITES_OFF;
  }
  assert.equal(g.nodes[2]!.op, 'Sum');
});

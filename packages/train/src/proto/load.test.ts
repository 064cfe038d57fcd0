import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadProto } from './load.ts';

const GRAPH = new URL('../engine/native/compiled/graph.proto', import.meta.url);
const TENSORBOARD = new URL('../tensorboard/tensorboard.proto', import.meta.url);

test('the GraphDef and TensorBoard protos both take TensorProto and TensorShapeProto from tensor.proto', () => {
  const graph = loadProto(GRAPH);
  const attr = graph.lookupType('latentkit.tf.AttrValue');
  assert.equal(attr.fields.tensor!.resolvedType!.fullName, '.tensorflow.TensorProto');
  assert.equal(attr.fields.shape!.resolvedType!.fullName, '.tensorflow.TensorShapeProto');
  const board = loadProto(TENSORBOARD);
  assert.equal(board.lookupType('tensorboard.Summary.Value').fields.tensor!.resolvedType!.fullName, '.tensorflow.TensorProto');
  // Neither file declares its own copy any more.
  assert.equal(graph.lookup('latentkit.tf.TensorProto'), null);
  assert.equal(board.lookup('tensorboard.TensorProto'), null);
  // Field names stay snake_case (keepCase).
  assert.ok('tensor_content' in graph.lookupType('tensorflow.TensorProto').fields);
});

test('an import that is not in src/proto fails with protobufjs\'s error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentkit-proto-'));
  try {
    const file = join(dir, 'bad.proto');
    writeFileSync(file, 'syntax = "proto3";\npackage x;\nimport "no_such.proto";\nmessage A { int32 a = 1; }\n');
    assert.throws(() => loadProto(pathToFileURL(file)), /no_such\.proto/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The protobuf decoder/encoder against the official ONNX node test cases (Debian's
 * libonnx-testdata): every model.onnx and every input_N.pb / output_N.pb tensor is read into
 * objects and written back byte for byte, and re-reading the written bytes gives equal objects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { decodeMessage, decodeModel, decodeTensor, encodeMessage, encodeModel } from './onnx-proto.ts';
import { DataType } from './onnx-types.ts';

function testdataFiles(): string[] {
  const r = spawnSync('dpkg', ['-L', 'libonnx-testdata'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout.split('\n').filter((f) => /\/(model\.onnx|test_data_set_\d+\/(input|output)_\d+\.pb)$/.test(f));
}

const files = testdataFiles();
const models = files.filter((f) => f.endsWith('model.onnx'));
const tensors = files.filter((f) => f.endsWith('.pb'));
const cache = new Map<string, ReturnType<typeof decodeModel>>();
const modelOf = (path: string) => cache.get(path) ?? cache.set(path, decodeModel(readFileSync(path))).get(path)!;
const skip = files.length ? false : 'libonnx-testdata is not installed (apt-get install libonnx-testdata)';

test(`every libonnx-testdata node model round-trips byte for byte (${models.length} files)`, { skip }, () => {
  assert.ok(models.length > 1000, `expected ~1070 test models, found ${models.length}`);
  const mismatched: string[] = [];
  for (const f of models) {
    const bytes = readFileSync(f);
    const model = decodeModel(bytes);
    const again = encodeModel(model);
    if (Buffer.compare(Buffer.from(again), bytes) !== 0) mismatched.push(f);
    else assert.deepEqual(decodeModel(again), model);
  }
  assert.deepEqual(mismatched, []);
});

test(`every libonnx-testdata input/output tensor round-trips byte for byte (${tensors.length} files)`, { skip }, () => {
  const mismatched: string[] = [];
  let checked = 0;
  for (const f of tensors) {
    const bytes = readFileSync(f);
    // Sequence and optional values (onnx-data.proto) are not TensorProtos: the model says which.
    const [, kind, index] = /(input|output)_(\d+)\.pb$/.exec(f)!;
    const model = modelOf(f.replace(/test_data_set_\d+\/.*$/, 'model.onnx'));
    const value = (kind === 'input' ? model.graph.input : model.graph.output)[Number(index)];
    if (!value?.type?.tensor_type) continue;
    const type = 'TensorProto';
    checked++;
    const again = encodeMessage(type, decodeMessage(type, bytes));
    if (Buffer.compare(Buffer.from(again), bytes) !== 0) mismatched.push(f);
  }
  assert.ok(checked > 2500, `only ${checked} tensor files checked`);
  assert.deepEqual(mismatched, []);
});

test('decoded objects use onnx.proto field names and plain numbers', { skip }, () => {
  const f = models.find((m) => m.includes('/test_conv_with_strides_padding/'))!;
  const model = decodeModel(readFileSync(f));
  assert.equal(typeof model.ir_version, 'number');
  assert.equal(model.graph.node[0].op_type, 'Conv');
  const pads = model.graph.node[0].attribute?.find((a) => a.name === 'pads');
  assert.deepEqual(pads?.ints, [1, 1, 1, 1]);
  assert.equal(model.graph.input[0].type?.tensor_type?.elem_type, DataType.FLOAT);
  const input = decodeTensor(readFileSync(f.replace('model.onnx', 'test_data_set_0/input_0.pb')));
  assert.deepEqual(input.dims, [1, 1, 7, 5]);
});

test('int64 values beyond 2^53 survive as bigint', () => {
  const big = 9223372036854775807n;
  const bytes = encodeMessage('TensorProto', { dims: [2], data_type: DataType.INT64, int64_data: [big, -5] });
  const t = decodeTensor(bytes);
  assert.deepEqual(t.int64_data, [big, -5]);
  assert.deepEqual(encodeMessage('TensorProto', t), bytes);
});

test('encoding a malformed object names the field', () => {
  assert.throws(() => encodeModel({ ir_version: 8, opset_import: [], graph: { node: [{ op_type: 5 }] } } as never), /op_type/);
});

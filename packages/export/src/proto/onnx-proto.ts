/**
 * Encodes and decodes ONNX protobuf messages with protobufjs, from the onnx.proto kept beside
 * this file (a copy of Debian's python3-onnx 1.12 schema). Field names stay snake_case
 * (keepCase) so objects read like the ONNX docs.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { ModelProto, TensorProto } from './onnx-types.ts';

const PROTO_PATH = new URL('./onnx.proto', import.meta.url);

let root: protobuf.Root | undefined;

function onnxRoot(): protobuf.Root {
  if (!root) {
    const source = readFileSync(PROTO_PATH, 'utf8');
    root = protobuf.parse(source, new protobuf.Root(), { keepCase: true }).root;
    // Resolving computes field features (e.g. `[packed = true]` on TensorProto.float_data).
    root.resolveAll();
  }
  return root;
}

/** The reflected protobufjs type of an ONNX message, e.g. `onnxType('ModelProto')`. */
export function onnxType(name: string): protobuf.Type {
  return onnxRoot().lookupType(`onnx.${name}`);
}

/** Serialise a plain object (see onnx-types.ts) as the named ONNX message. */
export function encodeMessage(typeName: string, message: object): Uint8Array {
  const type = onnxType(typeName);
  const prepared = toWire(message) as protobuf.Message;
  const problem = type.verify(prepared);
  if (problem) throw new TypeError(`Cannot encode onnx.${typeName}: ${problem}`);
  return type.encode(prepared).finish();
}

/** Read the named ONNX message into plain objects (Long -> number, or bigint beyond 2^53). */
export function decodeMessage<T = Record<string, unknown>>(typeName: string, bytes: Uint8Array): T {
  return toPlain(onnxType(typeName).decode(bytes)) as T;
}

/**
 * Serializes a ModelProto to protobuf bytes (the .onnx file format).
 * @throws TypeError when the object does not verify against onnx.proto (a field of the wrong type).
 */
export function encodeModel(model: ModelProto): Uint8Array {
  return encodeMessage('ModelProto', model);
}

/**
 * Reads a serialized ModelProto (an .onnx file's bytes) back into plain objects; 64-bit integers
 * become numbers, or bigints beyond 2^53.
 * @throws protobufjs's Error for bytes that are not a valid ModelProto (truncated, wrong wire types).
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return decodeMessage<ModelProto>('ModelProto', bytes);
}

/**
 * Reads a serialized TensorProto (e.g. the input_0.pb files of the ONNX node tests) into a plain
 * object (dims, data_type, raw_data or typed data fields).
 * @throws protobufjs's Error for bytes that are not a valid TensorProto.
 */
export function decodeTensor(bytes: Uint8Array): TensorProto {
  return decodeMessage<TensorProto>('TensorProto', bytes);
}

function isLong(value: unknown): value is protobuf.Long {
  return typeof value === 'object' && value !== null && 'low' in value && 'high' in value && 'unsigned' in value;
}

function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isLong(value)) {
    const big = BigInt(value.toString());
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(toPlain);
  const out: Record<string, unknown> = {};
  // Own properties only: protobufjs keeps unset proto2 fields on the prototype, so presence survives.
  for (const key of Object.keys(value)) out[key] = toPlain((value as Record<string, unknown>)[key]);
  return out;
}

function toWire(value: unknown): unknown {
  if (typeof value === 'bigint') return (protobuf.util.Long as unknown as { fromString(s: string, unsigned?: boolean): protobuf.Long }).fromString(value.toString(), value > 0x7fffffffffffffffn);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toWire);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = toWire(v);
  }
  return out;
}

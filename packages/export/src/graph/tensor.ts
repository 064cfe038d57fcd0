/** TensorProto constructors (little-endian raw_data, as ONNX requires). */
import { DataType, type TensorProto } from '../proto/onnx-types.ts';

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

export function floatTensor(name: string, data: Float32Array, dims: number[]): TensorProto {
  checkSize(name, data.length, dims);
  return { name, dims, data_type: DataType.FLOAT, raw_data: bytesOf(data) };
}

export function float16Tensor(name: string, bits: Uint16Array, dims: number[]): TensorProto {
  checkSize(name, bits.length, dims);
  return { name, dims, data_type: DataType.FLOAT16, raw_data: bytesOf(bits) };
}

export function int64Tensor(name: string, values: number[], dims: number[] = [values.length]): TensorProto {
  checkSize(name, values.length, dims);
  return { name, dims, data_type: DataType.INT64, raw_data: bytesOf(BigInt64Array.from(values.map((v) => BigInt(v)))) };
}

/** The float32 values of a FLOAT tensor written by this package (raw_data). */
export function readFloatTensor(t: TensorProto): Float32Array {
  if (t.data_type !== DataType.FLOAT || !t.raw_data) {
    throw new TypeError(`Tensor "${t.name}" is not a raw FLOAT tensor (data_type ${t.data_type})`);
  }
  const raw = t.raw_data;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function checkSize(name: string, length: number, dims: number[]): void {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== length) throw new RangeError(`Tensor "${name}": ${length} values do not fill dims [${dims.join(', ')}] (${n})`);
}

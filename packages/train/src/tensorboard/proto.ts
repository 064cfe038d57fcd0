/**
 * Encodes TensorBoard's Event messages with protobufjs, from tensorboard.proto beside this file (a
 * cited subset of TensorBoard's compat/proto definitions; its TensorProto is src/proto/tensor.proto,
 * shared with the compiled step's GraphDef). Field names stay snake_case (keepCase), as in
 * TensorBoard's .proto files, so the objects read like its documentation.
 */
import type protobuf from 'protobufjs';
import { loadProto } from '../proto/load.ts';

const PROTO_PATH = new URL('./tensorboard.proto', import.meta.url);

/** SessionLog.SessionStatus values (event.proto). */
export const SessionStatus = { START: 1, STOP: 2, CHECKPOINT: 3 } as const;
/** DataClass values (summary.proto). */
export const DataClass = { SCALAR: 1, TENSOR: 2, BLOB_SEQUENCE: 3 } as const;
/** DataType values used here (TensorFlow's types.proto; TensorProto.dtype in ../proto/tensor.proto). */
export const DataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_STRING: 7 } as const;

export interface SummaryMetadata {
  plugin_data?: { plugin_name: string; content?: Uint8Array };
  display_name?: string;
  summary_description?: string;
  data_class?: number;
}

export interface ImageValue {
  height: number;
  width: number;
  /** 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA. */
  colorspace: number;
  /** The encoded image file (PNG here). */
  encoded_image_string: Uint8Array;
}

export interface HistogramValue {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  /** Right edges of the buckets, increasing; bucket i holds (bucket_limit[i-1], bucket_limit[i]]. */
  bucket_limit: number[];
  /** Counts, one per limit. */
  bucket: number[];
}

export interface TensorValue {
  dtype: number;
  tensor_shape?: { dim?: { size: number }[] };
  string_val?: Uint8Array[];
}

/** One Summary.Value: a tag and exactly one of the four value kinds. */
export interface SummaryValue {
  tag: string;
  metadata?: SummaryMetadata;
  simple_value?: number;
  image?: ImageValue;
  histo?: HistogramValue;
  tensor?: TensorValue;
}

/** One Event: `wall_time` in seconds since the Unix epoch, `step` the global step, and one payload. */
export interface EventMessage {
  wall_time: number;
  step?: number;
  file_version?: string;
  summary?: { value: SummaryValue[] };
  session_log?: { status: number; checkpoint_path?: string; msg?: string };
}

let eventType: protobuf.Type | undefined;

function eventMessageType(): protobuf.Type {
  if (!eventType) {
    eventType = loadProto(PROTO_PATH).lookupType('tensorboard.Event');
  }
  return eventType;
}

/**
 * Serialises one Event (the payload of one TFRecord in an events file).
 * @throws TypeError when the object does not verify against tensorboard.proto (a field of the wrong type).
 */
export function encodeEvent(event: EventMessage): Uint8Array {
  const type = eventMessageType();
  const problem = type.verify(event);
  if (problem) throw new TypeError(`Cannot encode tensorboard.Event: ${problem}`);
  return type.encode(type.fromObject(event)).finish();
}

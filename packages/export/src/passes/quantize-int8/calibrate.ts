/**
 * Calibration: run the float model in onnxruntime-node (CPU) on real inputs and record each float
 * tensor's range, the statistics static quantization takes its activation scales from.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../proto/onnx-proto.ts';
import { DataType, type ModelProto } from '../../proto/onnx-types.ts';
import type { Range } from './insert-qdq.ts';

/** One batch of inputs: graph input name -> float32 values and dims (batch first). */
export type CalibrationBatch = Record<string, { data: Float32Array; dims: number[] }>;

/** Ops whose outputs are not float tensors (never calibrated). */
const NON_FLOAT_OUTPUTS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);

/**
 * Min/max of every float graph input and node output over all `batches`.
 * Throws Error when a batch lacks one of the model's inputs, or when no batch is given.
 */
export async function calibrateRanges(model: ModelProto, batches: readonly CalibrationBatch[]): Promise<Map<string, Range>> {
  if (!batches.length) throw new Error('calibration needs at least one batch of inputs');
  const graph = model.graph;
  const outputNames = new Set(graph.output.map((o) => o.name));
  const extra = graph.node.filter((n) => !NON_FLOAT_OUTPUTS.has(n.op_type)).flatMap((n) => n.output).filter((o) => o && !outputNames.has(o));
  const probe: ModelProto = {
    ...model,
    graph: {
      ...graph,
      output: [...graph.output, ...extra.map((name) => ({ name, type: { tensor_type: { elem_type: DataType.FLOAT } } }))],
    },
  };
  const session = await ort.InferenceSession.create(encodeModel(probe), { executionProviders: ['cpu'], logSeverityLevel: 3 });
  const ranges = new Map<string, Range>();
  const note = (name: string, data: ArrayLike<number>) => {
    let { min, max } = ranges.get(name) ?? { min: Infinity, max: -Infinity };
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    ranges.set(name, { min, max });
  };
  try {
    for (const batch of batches) {
      const feeds: Record<string, ort.Tensor> = {};
      for (const input of graph.input) {
        const b = batch[input.name];
        if (!b) throw new Error(`calibration batch has no input "${input.name}" (has ${Object.keys(batch).join(', ') || 'none'})`);
        feeds[input.name] = new ort.Tensor('float32', b.data, b.dims);
        if (input.type?.tensor_type?.elem_type === DataType.FLOAT) note(input.name, b.data);
      }
      const out = await session.run(feeds);
      for (const [name, t] of Object.entries(out)) if (t.type === 'float32') note(name, t.data as Float32Array);
    }
  } finally {
    await session.release();
  }
  return ranges;
}

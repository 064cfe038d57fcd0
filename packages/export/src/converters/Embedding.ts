/**
 * Embedding: Gather rows of the embeddings [vocabulary, dim] at the input's indices. The graph input
 * stays float32 like every Latentkit input (indices are exact as floats below 2^24) and is Cast to
 * int64. Output Keras shape [...input, dim]. mask_zero is not carried (no layer here reads masks).
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import { fromKerasLayout, toKerasLayout } from '../layout.ts';
import { DataType } from '../proto/onnx-types.ts';

const v11: ConvertFn = ({ b, layer, inputs, requireWeight }) => {
  const [x] = inputs;
  const table = requireWeight('embeddings');
  const indices = b.op('Cast', [toKerasLayout(b, x, layer.name)], [attr.i('to', DataType.INT64)], layer.name);
  const y = b.op('Gather', [b.floatConstant(`${layer.name}/embeddings`, table.data, table.shape), indices], [attr.i('axis', 0)], layer.name);
  return [fromKerasLayout(b, y, [...x.shape, table.shape[1]], layer.name)];
};

export const embeddingConverter: ConverterConfig = { className: 'Embedding', opsets: { 11: v11 } };

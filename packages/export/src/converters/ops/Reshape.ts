/**
 * keras.ops.reshape as an operator layer (`ops.Reshape`, config.newshape with the batch axis, e.g.
 * [-1, 48]): a Reshape in Keras layout. The batch axis must stay first as -1 (or the batch size).
 */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';
import { fromKerasLayout, toKerasLayout } from '../../layout.ts';
import { ExportError } from '../../errors.ts';

const v5: ConvertFn = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const shape = layer.config.newshape as number[] | undefined;
  const rest = Array.isArray(shape) ? shape.slice(1) : [];
  if (!Array.isArray(shape) || shape[0] !== -1 || !rest.length || rest.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ExportError(`Layer "${layer.name}" (keras.ops.reshape): newshape must be [-1, d1, d2, ...] (batch first, every other size given), received ${JSON.stringify(shape)}`);
  }
  const y = b.op('Reshape', [toKerasLayout(b, x, layer.name), b.int64Constant(`${layer.name}/shape`, [-1, ...rest])], [], layer.name);
  return [fromKerasLayout(b, y, rest, layer.name)];
};

export const opsReshapeConverter: ConverterConfig = { className: 'ops.Reshape', opsets: { 5: v5 } };

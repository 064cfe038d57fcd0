/** Permute: a Transpose of the non-batch axes (`dims`, 1-based as Keras writes them) in Keras layout. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { attr } from '../graph/attributes.ts';
import { fromKerasLayout, toKerasLayout } from '../layout.ts';
import { ExportError } from '../errors.ts';

const v1: ConvertFn = ({ b, layer, inputs }) => {
  const [x] = inputs;
  const dims = layer.config.dims as number[] | undefined;
  const n = x.shape.length;
  if (!Array.isArray(dims) || dims.length !== n || [...dims].sort().some((d, i) => d !== i + 1)) {
    throw new ExportError(`Layer "${layer.name}" (Permute): dims must be a permutation of 1..${n}, received ${JSON.stringify(dims)}`);
  }
  const keras = toKerasLayout(b, x, layer.name);
  const y = b.op('Transpose', [keras], [attr.ints('perm', [0, ...dims])], layer.name);
  return [fromKerasLayout(b, y, dims.map((d) => x.shape[d - 1]), layer.name)];
};

export const permuteConverter: ConverterConfig = { className: 'Permute', opsets: { 1: v1 } };

/** Add of two or more same-shaped tensors: a chain of binary Adds. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { ExportError } from '../errors.ts';

const v7: ConvertFn = ({ b, layer, inputs }) => {
  if (inputs.length < 2) throw new ExportError(`Layer "${layer.name}" (Add): needs at least 2 inputs, received ${inputs.length}`);
  let acc = inputs[0].name;
  for (const x of inputs.slice(1)) acc = b.op('Add', [acc, x.name], [], layer.name);
  return [{ name: acc, shape: inputs[0].shape }];
};

export const addConverter: ConverterConfig = { className: 'Add', opsets: { 7: v7 } };

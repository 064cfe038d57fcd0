/** keras.ops.negative as an operator layer (`-x`): ONNX Neg. */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';

const v6: ConvertFn = ({ b, layer, inputs }) => [{ name: b.op('Neg', [inputs[0].name], [], layer.name), shape: inputs[0].shape }];

export const opsNegativeConverter: ConverterConfig = { className: 'ops.Negative', opsets: { 6: v6 } };

/** keras.ops Divide as an operator layer (`ops.Divide`): ONNX Div of two tensors, or a tensor and a constant. */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';
import { binaryOperator } from '../helpers/operator.ts';

const v7: ConvertFn = (ctx) => binaryOperator(ctx, 'Div');

export const opsDivideConverter: ConverterConfig = { className: 'ops.Divide', opsets: { 7: v7 } };

/** keras.ops TrueDivide as an operator layer (`ops.TrueDivide`): ONNX Div of two tensors, or a tensor and a constant. */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';
import { binaryOperator } from '../helpers/operator.ts';

const v7: ConvertFn = (ctx) => binaryOperator(ctx, 'Div');

export const opsTrueDivideConverter: ConverterConfig = { className: 'ops.TrueDivide', opsets: { 7: v7 } };

/** keras.ops Multiply as an operator layer (`ops.Multiply`): ONNX Mul of two tensors, or a tensor and a constant. */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';
import { binaryOperator } from '../helpers/operator.ts';

const v7: ConvertFn = (ctx) => binaryOperator(ctx, 'Mul');

export const opsMultiplyConverter: ConverterConfig = { className: 'ops.Multiply', opsets: { 7: v7 } };

/** keras.ops Subtract as an operator layer (`ops.Subtract`): ONNX Sub of two tensors, or a tensor and a constant. */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';
import { binaryOperator } from '../helpers/operator.ts';

const v7: ConvertFn = (ctx) => binaryOperator(ctx, 'Sub');

export const opsSubtractConverter: ConverterConfig = { className: 'ops.Subtract', opsets: { 7: v7 } };

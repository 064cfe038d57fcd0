/** keras.ops Add as an operator layer (`ops.Add`): ONNX Add of two tensors, or a tensor and a constant. */
import type { ConverterConfig, ConvertFn } from '../../converter.ts';
import { binaryOperator } from '../helpers/operator.ts';

const v7: ConvertFn = (ctx) => binaryOperator(ctx, 'Add');

export const opsAddConverter: ConverterConfig = { className: 'ops.Add', opsets: { 7: v7 } };

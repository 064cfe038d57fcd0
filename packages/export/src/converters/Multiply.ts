/** Multiply: the product of its inputs (numpy broadcasting over equal ranks, as Keras's merge layers). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { merge } from './helpers/merge.ts';

const v8: ConvertFn = (ctx) => merge(ctx, 'Mul');

export const multiplyConverter: ConverterConfig = { className: 'Multiply', opsets: { 8: v8 } };

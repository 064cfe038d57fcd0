/** Maximum: the element-wise maximum of its inputs (numpy broadcasting over equal ranks, as Keras's merge layers). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { merge } from './helpers/merge.ts';

const v8: ConvertFn = (ctx) => merge(ctx, 'Max');

export const maximumConverter: ConverterConfig = { className: 'Maximum', opsets: { 8: v8 } };

/** Average: the mean of its inputs (numpy broadcasting over equal ranks, as Keras's merge layers). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { merge } from './helpers/merge.ts';

const v8: ConvertFn = (ctx) => merge(ctx, 'Average');

export const averageConverter: ConverterConfig = { className: 'Average', opsets: { 8: v8 } };

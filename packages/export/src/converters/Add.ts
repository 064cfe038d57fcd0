/** Add: the sum of two or more inputs, a chain of binary Adds (numpy broadcasting over equal ranks). */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { merge } from './helpers/merge.ts';

const v7: ConvertFn = (ctx) => merge(ctx, 'Add');

export const addConverter: ConverterConfig = { className: 'Add', opsets: { 7: v7 } };

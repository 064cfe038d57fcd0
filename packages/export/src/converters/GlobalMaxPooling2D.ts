/** GlobalMaxPooling2D: GlobalMaxPool, then (keepdims false, the default) Flatten to [C]. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { globalPool } from './helpers/global-pool.ts';

const v1: ConvertFn = (ctx) => globalPool(ctx, 'GlobalMaxPool');

export const globalMaxPooling2DConverter: ConverterConfig = { className: 'GlobalMaxPooling2D', opsets: { 1: v1 } };

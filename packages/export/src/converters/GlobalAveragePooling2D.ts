/** GlobalAveragePooling2D: GlobalAveragePool, then (keepdims false, the default) Flatten to [C]. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import { globalPool } from './helpers/global-pool.ts';

const v1: ConvertFn = (ctx) => globalPool(ctx, 'GlobalAveragePool');

export const globalAveragePooling2DConverter: ConverterConfig = { className: 'GlobalAveragePooling2D', opsets: { 1: v1 } };

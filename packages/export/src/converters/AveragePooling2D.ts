/** AveragePooling2D: AveragePool with explicit 'same' pads, padding excluded from the mean. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { Pooling2DLayerConfig } from '../keras-format.ts';
import { pool2d } from './helpers/pool2d.ts';

const v7: ConvertFn<Pooling2DLayerConfig> = (ctx) => pool2d(ctx, 'AveragePool');

export const averagePooling2DConverter: ConverterConfig<Pooling2DLayerConfig> = { className: 'AveragePooling2D', opsets: { 7: v7 } };

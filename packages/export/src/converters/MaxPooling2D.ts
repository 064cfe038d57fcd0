/** MaxPooling2D: MaxPool with explicit 'same' pads. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { Pooling2DLayerConfig } from '../keras-format.ts';
import { pool2d } from './helpers/pool2d.ts';

const v1: ConvertFn<Pooling2DLayerConfig> = (ctx) => pool2d(ctx, 'MaxPool');

export const maxPooling2DConverter: ConverterConfig<Pooling2DLayerConfig> = { className: 'MaxPooling2D', opsets: { 1: v1 } };

/**
 * InputLayer: the walker declares graph inputs itself (names and layout depend on the export
 * options); this converter only passes the tensor on. It exists so InputLayer is a listed,
 * supported class like any other.
 */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { InputLayerConfig } from '../keras-format.ts';

const v1: ConvertFn<InputLayerConfig> = (ctx) => ctx.inputs;

export const inputLayerConverter: ConverterConfig<InputLayerConfig> = { className: 'InputLayer', opsets: { 1: v1 } };

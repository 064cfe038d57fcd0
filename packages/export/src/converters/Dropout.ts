/** Dropout is the identity at inference: no node at all, the input tensor flows on. */
import type { ConverterConfig, ConvertFn } from '../converter.ts';
import type { DropoutLayerConfig } from '../keras-format.ts';

const v1: ConvertFn<DropoutLayerConfig> = ({ inputs }) => [inputs[0]];

export const dropoutConverter: ConverterConfig<DropoutLayerConfig> = { className: 'Dropout', opsets: { 1: v1 } };

/** SpatialDropout1D is the identity at inference: no node, the input tensor flows on. */
import type { ConverterConfig } from '../converter.ts';
import { identity } from './helpers/identity.ts';

export const spatialDropout1DConverter: ConverterConfig = { className: 'SpatialDropout1D', opsets: { 1: identity } };

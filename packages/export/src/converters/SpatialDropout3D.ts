/** SpatialDropout3D is the identity at inference: no node, the input tensor flows on. */
import type { ConverterConfig } from '../converter.ts';
import { identity } from './helpers/identity.ts';

export const spatialDropout3DConverter: ConverterConfig = { className: 'SpatialDropout3D', opsets: { 1: identity } };

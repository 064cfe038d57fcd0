/** GaussianNoise is the identity at inference: no node, the input tensor flows on. */
import type { ConverterConfig } from '../converter.ts';
import { identity } from './helpers/identity.ts';

export const gaussianNoiseConverter: ConverterConfig = { className: 'GaussianNoise', opsets: { 1: identity } };

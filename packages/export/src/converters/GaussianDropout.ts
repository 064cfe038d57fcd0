/** GaussianDropout is the identity at inference: no node, the input tensor flows on. */
import type { ConverterConfig } from '../converter.ts';
import { identity } from './helpers/identity.ts';

export const gaussianDropoutConverter: ConverterConfig = { className: 'GaussianDropout', opsets: { 1: identity } };

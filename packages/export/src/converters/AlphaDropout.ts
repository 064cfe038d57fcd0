/** AlphaDropout is the identity at inference: no node, the input tensor flows on. */
import type { ConverterConfig } from '../converter.ts';
import { identity } from './helpers/identity.ts';

export const alphaDropoutConverter: ConverterConfig = { className: 'AlphaDropout', opsets: { 1: identity } };

/** Layers that compute nothing at inference (dropout and noise variants, regularizers): the input flows on, no node. */
import type { ConvertFn } from '../../converter.ts';

export const identity: ConvertFn = ({ inputs }) => [inputs[0]];

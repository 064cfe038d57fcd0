/**
 * Element-wise ops over several tensors (merge layers, Keras 3 operator layers): the output's Keras
 * shape with numpy broadcasting over equal ranks (a 1 takes the other size).
 */
import type { Sym } from '../../converter.ts';
import { ExportError } from '../../errors.ts';

export function broadcastShape(inputs: Sym[], layer: string, className: string): (number | null)[] {
  const [first] = inputs;
  if (inputs.some((x) => x.shape.length !== first.shape.length)) {
    throw new ExportError(`Layer "${layer}" (${className}): inputs of different ranks cannot be combined in the graph's layout: ${inputs.map((x) => `[${x.shape.map((d) => d ?? '?')}]`).join(', ')}`);
  }
  return first.shape.map((_, i) => {
    const dims = inputs.map((x) => x.shape[i]);
    const big = dims.filter((d) => d !== 1);
    return big.length === 0 ? 1 : big.includes(null) ? null : Math.max(...(big as number[]));
  });
}

/** The merge layers (Add, Multiply, Subtract, Average, Maximum, Minimum): element-wise over 2+ same-rank inputs. */
import type { ConvertContext, Sym } from '../../converter.ts';
import { ExportError } from '../../errors.ts';
import { broadcastShape } from './elementwise.ts';

export type MergeOp = 'Add' | 'Mul' | 'Sub' | 'Average' | 'Max' | 'Min';

export function merge(ctx: ConvertContext, op: MergeOp): Sym[] {
  const { b, layer, inputs } = ctx;
  const min = 2;
  if (inputs.length < min || (op === 'Sub' && inputs.length !== 2)) {
    throw new ExportError(`Layer "${layer.name}" (${layer.className}): needs ${op === 'Sub' ? 'exactly 2' : 'at least 2'} inputs, received ${inputs.length}`);
  }
  const shape = broadcastShape(inputs, layer.name, layer.className);
  const names = inputs.map((x) => x.name);
  let y: string;
  if (op === 'Max' || op === 'Min') y = b.op(op, names, [], layer.name);
  else if (op === 'Average') y = b.op('Div', [b.op('Sum', names, [], layer.name), b.floatConstant(`${layer.name}/count`, [inputs.length], [])], [], layer.name);
  else y = names.slice(1).reduce((acc, n) => b.op(op, [acc, n], [], layer.name), names[0]);
  return [{ name: y, shape }];
}

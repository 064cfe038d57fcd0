/**
 * Keras 3 operator layers (`keras.src.ops.numpy`, recorded by the functional API for `x * y`,
 * `x + 3.0`, `1.0 - x`, `x / 4`): element-wise binary ops whose operands are tensors or constants,
 * in call order. keras/config.ts stores them as config.operands (null = the next inbound tensor).
 */
import type { ConvertContext, Sym } from '../../converter.ts';
import { ExportError } from '../../errors.ts';
import { broadcastShape } from './elementwise.ts';

export function binaryOperator(ctx: ConvertContext, op: 'Add' | 'Sub' | 'Mul' | 'Div'): Sym[] {
  const { b, layer, inputs } = ctx;
  const operands = (layer.config.operands as (number | null)[] | undefined) ?? inputs.map(() => null);
  if (operands.length !== 2 || operands.some((o) => o !== null && !Number.isFinite(o)) || operands.filter((o) => o === null).length !== inputs.length) {
    throw new ExportError(`Layer "${layer.name}" (keras.ops ${layer.className.slice(4)}): expects two operands, tensors or numbers, received ${JSON.stringify(operands)} with ${inputs.length} tensor(s)`);
  }
  let k = 0;
  const names = operands.map((o, i) => (o === null ? inputs[k++].name : b.floatConstant(`${layer.name}/operand${i}`, [o], [])));
  return [{ name: b.op(op, names, [], layer.name), shape: broadcastShape(inputs, layer.name, layer.className) }];
}

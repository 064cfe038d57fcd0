/** AttributeProto constructors: ONNX needs the attribute type spelled out (1 vs 1.0 matters). */
import { AttributeType, type AttributeProto } from '../proto/onnx-types.ts';

export const attr = {
  f: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  i: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  s: (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(s) }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints }),
  floats: (name: string, floats: number[]): AttributeProto => ({ name, type: AttributeType.FLOATS, floats }),
};

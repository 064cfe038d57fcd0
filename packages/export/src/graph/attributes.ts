/** AttributeProto constructors: ONNX needs the attribute type spelled out (1 vs 1.0 matters). */
import { AttributeType, type AttributeProto, type NodeProto } from '../proto/onnx-types.ts';

export const attr = {
  f: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  i: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  s: (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(s) }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints }),
  floats: (name: string, floats: number[]): AttributeProto => ({ name, type: AttributeType.FLOATS, floats }),
};

/** Reading a node's attributes back: undefined when the node does not set it (ONNX's default applies). */
export const readAttr = {
  ints: (n: NodeProto, name: string): number[] | undefined => n.attribute?.find((a) => a.name === name)?.ints?.map(Number),
  i: (n: NodeProto, name: string): number | undefined => {
    const a = n.attribute?.find((x) => x.name === name);
    return a?.i === undefined ? undefined : Number(a.i);
  },
};

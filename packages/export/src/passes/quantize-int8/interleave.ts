/** The NHWC interleave of s*s phase tensors into one full-resolution tensor (the ConvTranspose rewrite). */
import { attr } from '../../graph/attributes.ts';
import { int64Tensor } from '../../graph/tensor.ts';
import type { NodeProto, TensorProto } from '../../proto/onnx-types.ts';

/**
 * Phase outputs P[py][px], each [N, C, H, W], to Y [N, C, sy*H, sx*W] with
 * Y[n, c, sy*h + py, sx*w + px] = P[py][px][n, c, h, w]. In NHWC, Y's memory order is
 * (n, h, py, w, px, c): concatenating a row's phases along C gives (n, h, w, px, c); concatenating
 * the rows along W gives (n, h, py, w, px, c); a Reshape to [N, sy*H, sx*W, C] then only renames
 * axes. Reshape's target [0, -1, 0, C] copies N and sx*W from its input, so no shape is needed.
 */
export function interleave(base: string, phases: string[], output: string, sy: number, sx: number, channels: number, added: TensorProto[]): NodeProto[] {
  const nodes: NodeProto[] = [];
  const nhwc = phases.map((p) => {
    nodes.push({ name: `${p}/to_nhwc`, op_type: 'Transpose', input: [p], output: [`${p}/nhwc`], attribute: [attr.ints('perm', [0, 2, 3, 1])] });
    return `${p}/nhwc`;
  });
  const rows: string[] = [];
  for (let py = 0; py < sy; py++) {
    const row = `${output}/row${py}`;
    nodes.push({ name: `${base}/row${py}`, op_type: 'Concat', input: nhwc.slice(py * sx, (py + 1) * sx), output: [row], attribute: [attr.i('axis', 3)] });
    rows.push(row);
  }
  const joined = `${output}/rows`;
  nodes.push({ name: `${base}/rows`, op_type: 'Concat', input: rows, output: [joined], attribute: [attr.i('axis', 2)] });
  const shapeName = `${base}/interleave/shape`;
  added.push(int64Tensor(shapeName, [0, -1, 0, channels]));
  nodes.push({ name: `${base}/interleave`, op_type: 'Reshape', input: [joined, shapeName], output: [`${output}/nhwc`] });
  nodes.push({ name: `${base}/to_nchw`, op_type: 'Transpose', input: [`${output}/nhwc`], output: [output], attribute: [attr.ints('perm', [0, 3, 1, 2])] });
  return nodes;
}

/**
 * A stride-1 convolution with few output channels (the image layer: 64 -> 3 in the faces decoder)
 * that reads the output of a rewritten stride-s ConvTranspose, computed on that layer's s*s phase
 * outputs directly instead of on their interleave: one Conv per input phase, each producing all s*s
 * output phases (s*s*M channels, DepthToSpace's DCR order), summed, then interleaved back to full
 * resolution by one Transpose and Reshapes in NHWC. Exact (same products, only regrouped).
 *
 * Why: an int8 Conv with 3 outputs falls off MLAS's fast path (see INTEGER_CONV_CHANNEL_BLOCK) and
 * measured slower than the float layer; the phase Convs have s*s*M = 12 real channels, padded to 16,
 * so 3/4 of their output blocks do work. On the way the s*s interleave of the big 64-channel
 * tensor, its return to float and the float activation before the layer disappear: the activation
 * runs on each phase (as QLinearLeakyRelu), and only the small M-channel result is interleaved.
 *
 * Per axis, with the consumer's tap k (0..K-1) and pad_begin b: output o = s*n + p reads full-res
 * input i = o + k - b = s*m + q, i.e. input phase q = (p + k - b) mod s at phase-grid offset
 * d = (p + k - b - q) / s from n. The Conv on phase q spans offsets [dMin_q, dMax_q] (pads -dMin_q,
 * dMax_q); a tap with no (p, k) stays zero. Each original weight appears once per output phase.
 */
import { attr, readAttr } from '../../graph/attributes.ts';
import { floatTensor, int64Tensor, readFloatTensor } from '../../graph/tensor.ts';
import type { NodeProto, TensorProto } from '../../proto/onnx-types.ts';

const { ints, i: int } = readAttr;

/** A size-preserving stride-1 Conv: weight [M, C, kh, kw], pads [top, left, bottom, right]. */
export interface Stride1Conv {
  weights: Float32Array;
  dims: [number, number, number, number];
  pads: [number, number, number, number];
  bias?: Float32Array;
}

/**
 * `node` (Conv or ConvTranspose) as a size-preserving stride-1 Conv, or undefined when it is not one
 * (strided, dilated, grouped, auto_pad, output_padding/output_shape, weights not an initializer).
 * A stride-1 ConvTranspose is the Conv with the kernel flipped, in/out axes swapped, pads k-1-p.
 */
export function asStride1Conv(node: NodeProto, inits: Map<string, TensorProto>): Stride1Conv | undefined {
  if (node.op_type !== 'Conv' && node.op_type !== 'ConvTranspose') return undefined;
  const w = inits.get(node.input[1]);
  const b = node.input[2] ? inits.get(node.input[2]) : undefined;
  if (!w || (node.input[2] && !b) || w.dims?.length !== 4) return undefined;
  if ((int(node, 'group') ?? 1) !== 1 || node.attribute?.some((a) => a.name === 'auto_pad' || a.name === 'output_shape')) return undefined;
  if ([...(ints(node, 'strides') ?? []), ...(ints(node, 'dilations') ?? [])].some((v) => v !== 1)) return undefined;
  if ((ints(node, 'output_padding') ?? []).some((v) => v !== 0)) return undefined;
  const [a, c, kh, kw] = w.dims.map(Number);
  const p = ints(node, 'pads') ?? [0, 0, 0, 0];
  const values = readFloatTensor(w);
  let weights = values;
  let dims: [number, number, number, number] = [a, c, kh, kw];
  let pads: [number, number, number, number] = [p[0], p[1], p[2], p[3]];
  if (node.op_type === 'ConvTranspose') {
    // ConvTranspose weight [C, M, kh, kw] -> Conv weight [M, C, kh, kw], flipped.
    dims = [c, a, kh, kw];
    weights = new Float32Array(values.length);
    for (let ci = 0; ci < a; ci++)
      for (let m = 0; m < c; m++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) weights[((m * a + ci) * kh + y) * kw + x] = values[((ci * c + m) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)];
    pads = [kh - 1 - p[0], kw - 1 - p[1], kh - 1 - p[2], kw - 1 - p[3]];
  }
  if (pads.some((v) => v < 0) || pads[0] + pads[2] !== kh - 1 || pads[1] + pads[3] !== kw - 1) return undefined;
  return { weights, dims, pads, bias: b ? readFloatTensor(b) : undefined };
}

/** Per axis and input phase q: the offsets its Conv spans, and which kernel tap feeds (p, offset). */
interface AxisPhases {
  dMin: number[];
  dMax: number[];
  /** tap(q, p, d) = kernel index, or -1. */
  tap: (q: number, p: number, d: number) => number;
}

function planAxis(kernel: number, padBegin: number, s: number): AxisPhases | undefined {
  const dMin = new Array<number>(s).fill(Infinity);
  const dMax = new Array<number>(s).fill(-Infinity);
  for (let p = 0; p < s; p++)
    for (let k = 0; k < kernel; k++) {
      const t = p + k - padBegin;
      const q = ((t % s) + s) % s;
      const d = (t - q) / s;
      dMin[q] = Math.min(dMin[q], d);
      dMax[q] = Math.max(dMax[q], d);
    }
  // Each phase's Conv needs pads -dMin >= 0 and dMax >= 0 (ONNX has no negative pads).
  if (dMin.some((d, q) => !(d <= 0 && dMax[q] >= 0))) return undefined;
  return {
    dMin,
    dMax,
    tap: (q, p, d) => {
      const k = s * d + q - p + padBegin;
      return k >= 0 && k < kernel ? k : -1;
    },
  };
}

/**
 * MLAS runs an int8 Conv on its fast path (indirect "ConvSym" kernels, no im2col buffer) only with
 * >= 16 output channels in multiples of 8 (onnxruntime mlas/lib/convsym.cpp, MlasConvSymPackWSize):
 * each output phase gets M' >= M colour channels, the extra ones all-zero, so the phase Convs have
 * s*s*M' channels, a multiple of 16, and one Slice drops the extra colours at full resolution.
 */
export const INTEGER_CONV_CHANNEL_BLOCK = 16;

/**
 * Nodes computing `conv` (its kernel is the initializer `kernel`, [M, C, kh, kw], in Conv form) on
 * the interleave of `phases` ([N, C, H, W] each, phase (qy, qx) at index qy * s + qx) without
 * building it; the result [N, M, s*H, s*W] is named `output`. Undefined when some phase's Conv would
 * need negative pads.
 *
 * Each phase Conv's kernel repeats the layer's weights once per output phase, with zeros between:
 * stored that way it would be ~9x the layer's own bytes (faces). So the file holds the layer's
 * kernel once, and each phase kernel is built from it by Pad + strided Slices + Concat, all on
 * constants: the runtime folds them into initializers when the session is created (onnxruntime's
 * constant folding runs before its QDQ fusions), and the int8 pass quantizes the one stored kernel
 * (insert-qdq.ts follows such weight chains back to it).
 */
export function phaseDomainConv(base: string, phases: string[], s: number, conv: Stride1Conv, kernel: string, output: string, added: TensorProto[]): NodeProto[] | undefined {
  const [M, C, kh, kw] = conv.dims;
  const ay = planAxis(kh, conv.pads[0], s);
  const ax = planAxis(kw, conv.pads[1], s);
  if (!ay || !ax) return undefined;
  const colours = (Math.ceil((s * s * M) / INTEGER_CONV_CHANNEL_BLOCK) * INTEGER_CONV_CHANNEL_BLOCK) / (s * s);
  const mPad = Number.isInteger(colours) ? colours : M;
  // Block (q, p) of a phase kernel: kernel taps k0 + s*t (t = 0..taps-1) per axis, k0 = s*dMin_q + q - p + pad_begin.
  const k0 = (a: AxisPhases, q: number, p: number, pad: number) => s * a.dMin[q] + q - p + pad;
  let [yLo, yHi, xLo, xHi] = [0, kh - 1, 0, kw - 1];
  for (let q = 0; q < s; q++)
    for (let p = 0; p < s; p++) {
      yLo = Math.min(yLo, k0(ay, q, p, conv.pads[0]));
      yHi = Math.max(yHi, k0(ay, q, p, conv.pads[0]) + s * (ay.dMax[q] - ay.dMin[q]));
      xLo = Math.min(xLo, k0(ax, q, p, conv.pads[1]));
      xHi = Math.max(xHi, k0(ax, q, p, conv.pads[1]) + s * (ax.dMax[q] - ax.dMin[q]));
    }
  const nodes: NodeProto[] = [];
  const padded = `${base}/kernel/padded`;
  added.push(int64Tensor(`${padded}/pads`, [0, 0, -yLo, -xLo, mPad - M, 0, yHi - (kh - 1), xHi - (kw - 1)]));
  nodes.push({ name: padded, op_type: 'Pad', input: [kernel, `${padded}/pads`], output: [padded] });
  const axes = `${base}/kernel/axes`;
  const steps = `${base}/kernel/steps`;
  added.push(int64Tensor(axes, [2, 3]), int64Tensor(steps, [s, s]));
  const blocks = new Map<string, string>();
  const block = (y0: number, x0: number, th: number, tw: number) => {
    const key = `${y0}_${x0}_${th}x${tw}`;
    let name = blocks.get(key);
    if (!name) {
      name = `${base}/kernel/taps${key}`;
      added.push(int64Tensor(`${name}/starts`, [y0 - yLo, x0 - xLo]), int64Tensor(`${name}/ends`, [y0 - yLo + s * (th - 1) + 1, x0 - xLo + s * (tw - 1) + 1]));
      nodes.push({ name, op_type: 'Slice', input: [padded, `${name}/starts`, `${name}/ends`, axes, steps], output: [name] });
      blocks.set(key, name);
    }
    return name;
  };
  const partials: string[] = [];
  for (let qy = 0; qy < s; qy++) {
    for (let qx = 0; qx < s; qx++) {
      const th = ay.dMax[qy] - ay.dMin[qy] + 1;
      const tw = ax.dMax[qx] - ax.dMin[qx] + 1;
      const name = `${base}/q${qy}${qx}`;
      const parts: string[] = [];
      for (let py = 0; py < s; py++) for (let px = 0; px < s; px++) parts.push(block(k0(ay, qy, py, conv.pads[0]), k0(ax, qx, px, conv.pads[1]), th, tw));
      // Output channel (py * s + px) * M' + m: DepthToSpace's DCR order.
      nodes.push({ name: `${name}/kernel`, op_type: 'Concat', input: parts, output: [`${name}/kernel`], attribute: [attr.i('axis', 0)] });
      const inputs = [phases[qy * s + qx], `${name}/kernel`];
      // The bias once, on the first phase's Conv.
      if (conv.bias && !partials.length) {
        const bias = new Float32Array(s * s * mPad).map((_, oc) => (oc % mPad < M ? conv.bias![oc % mPad] : 0));
        added.push(floatTensor(`${base}/bias`, bias, [s * s * mPad]));
        inputs.push(`${base}/bias`);
      }
      nodes.push({
        name,
        op_type: 'Conv',
        input: inputs,
        output: [name],
        attribute: [
          attr.ints('kernel_shape', [th, tw]),
          attr.ints('strides', [1, 1]),
          attr.ints('dilations', [1, 1]),
          attr.i('group', 1),
          attr.ints('pads', [-ay.dMin[qy], -ax.dMin[qx], ay.dMax[qy], ax.dMax[qx]]),
        ],
      });
      partials.push(name);
    }
  }
  let sum = partials[0];
  for (let i = 1; i < partials.length; i++) {
    const out = i === partials.length - 1 ? `${base}/sum` : `${base}/sum${i}`;
    nodes.push({ name: out, op_type: 'Add', input: [sum, partials[i]], output: [out] });
    sum = out;
  }
  // Back to full resolution without splitting the sum into phases: in NHWC the sum's memory order is
  // (n, h, w, py, px, m'); one 5-d Transpose makes it (n, h, py, w, px, m'), the full-resolution
  // image's order, and Reshapes whose 0s copy the known axes rename it [N, s*h, s*w, M'] without a
  // shape. Measured against four channel Slices + Concat + Reshape (interleave.ts) and against
  // uint8 DepthToSpace (which onnxruntime runs in NCHW behind a Transpose): see the export README.
  const t = (name: string, input: string, perm: number[]) => nodes.push({ name, op_type: 'Transpose', input: [input], output: [name], attribute: [attr.ints('perm', perm)] });
  const reshape = (name: string, input: string, shape: number[]) => {
    added.push(int64Tensor(`${name}/shape`, shape));
    nodes.push({ name, op_type: 'Reshape', input: [input, `${name}/shape`], output: [name] });
  };
  t(`${base}/nhwc`, sum, [0, 2, 3, 1]); // [N, h, w, s*s*M']
  reshape(`${base}/split_rows`, `${base}/nhwc`, [0, 0, 0, s, s * mPad]); // [N, h, w, py, (px, m')]
  // s*M' = 8 bytes a block: onnxruntime moves it as one 8-byte element (6-byte blocks, with the zero
  // channels sliced off first, made this Transpose 30x slower).
  t(`${base}/rows_first`, `${base}/split_rows`, [0, 1, 3, 2, 4]); // [N, h, py, w, (px, m')]
  reshape(`${base}/join_w`, `${base}/rows_first`, [0, 0, -1, s * mPad]); // [N, h, py*w, (px, m')]
  const full = `${base}/interleaved`;
  reshape(full, `${base}/join_w`, [0, -1, 0, mPad]); // [N, s*h, s*w, M']
  let image = full;
  if (mPad !== M) {
    added.push(int64Tensor(`${base}/colours/starts`, [0]), int64Tensor(`${base}/colours/ends`, [M]), int64Tensor(`${base}/colours/axes`, [3]));
    nodes.push({ name: `${base}/colours`, op_type: 'Slice', input: [full, `${base}/colours/starts`, `${base}/colours/ends`, `${base}/colours/axes`], output: [`${base}/colours`] });
    image = `${base}/colours`;
  }
  nodes.push({ name: `${base}/to_nchw`, op_type: 'Transpose', input: [image], output: [output], attribute: [attr.ints('perm', [0, 3, 1, 2])] });
  return nodes;
}

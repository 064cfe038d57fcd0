/**
 * Rewrites ConvTranspose as ordinary Conv, exactly (same sums, only reordered), because
 * onnxruntime's CPU provider has no int8 ConvTranspose kernel: a quantized ConvTranspose would run
 * dequantize -> float ConvTranspose -> quantize, slower than fp32. Conv becomes QLinearConv.
 *
 * Stride 1: one Conv with the kernel flipped and its in/out axes swapped, pads k-1-p.
 * Stride s > 1 (sub-pixel / phase decomposition, Shi et al. 2016, "Is the deconvolution layer the
 * same as a convolutional layer?"): output pixel (s*m + py, s*n + px) only ever meets the kernel taps
 * ky ≡ py + pad_top (mod s), so each of the s*s output phases is a small stride-1 Conv over the
 * input with just those taps (no zero taps, so the weights keep their count). The phases are then
 * interleaved in NHWC by concatenation and one Reshape (see `interleave`), not by DepthToSpace:
 * onnxruntime runs QLinearConv in NHWC, so its layout pass cancels our NHWC transposes against its
 * own, and the interleave only copies contiguous rows (uint8 DepthToSpace plus the transposes
 * around it cost more than the convolutions in a first measurement).
 *
 * When the strided layer feeds (through one Relu/LeakyRelu, moved into the phases) a stride-1 layer
 * with fewer output channels than the integer threshold (the image layer), there is no interleave:
 * that layer is computed on the phases themselves (phase-domain-conv.ts), which lets it run on int8
 * kernels too, and only its small result is interleaved.
 *
 * Handles 2-D ConvTranspose with group 1, dilation 1, no output_padding/output_shape/auto_pad,
 * whose output is exactly s times the input (Keras 'same': kernel - pad_begin - pad_end == s).
 * Others are left alone (they then stay float in the int8 graph).
 */
import { attr, readAttr } from '../../graph/attributes.ts';
import { floatTensor, readFloatTensor } from '../../graph/tensor.ts';
import type { GraphProto, NodeProto, TensorProto } from '../../proto/onnx-types.ts';
import { consumers, initializerMap, pruneInitializers } from '../graph-index.ts';
import { interleave } from './interleave.ts';
import { asStride1Conv, phaseDomainConv, type Stride1Conv } from './phase-domain-conv.ts';

/**
 * Activations moved into the phases of a strided ConvTranspose they follow, where onnxruntime fuses
 * them into QLinearConv (its output range starts at 0). Others (LeakyRelu) stay after the interleave
 * (one node instead of one per phase), unless a phase-domain consumer follows (no interleave then).
 */
const HOISTED_ACTIVATIONS = new Set(['Relu']);
/** Elementwise activations that may sit between a strided layer and a phase-domain consumer. */
const PHASE_ACTIVATIONS = new Set(['Relu', 'LeakyRelu']);

const { ints, i: int } = readAttr;

/** Per axis: which kernel tap feeds tap t of phase p's Conv, and that Conv's pads. */
interface AxisPlan {
  /** taps[p][t] = kernel index k, or -1 where the phase has no tap at t. */
  taps: number[][];
  /** Per phase: first and last used conv tap, so each phase's Conv uses only its own taps. */
  span: [number, number][];
  padBegin: number;
}

/**
 * Output o = s*m + p gets x[i] * w[k] where s*i + k - padBegin = o, i.e. i = m + (p + padBegin - k) / s.
 * Offsets d = (p + padBegin - k) / s, over all phases, span [dMin, dMax]: a Conv tap t reads input
 * m + dMin + t, i.e. conv pad_begin = -dMin.
 */
function planAxis(kernel: number, stride: number, padBegin: number): AxisPlan | undefined {
  const offsets: number[][] = []; // offsets[p][k]
  let dMin = Infinity;
  let dMax = -Infinity;
  for (let p = 0; p < stride; p++) {
    offsets.push([]);
    for (let k = 0; k < kernel; k++) {
      const num = p + padBegin - k;
      if (((num % stride) + stride) % stride !== 0) {
        offsets[p].push(NaN);
        continue;
      }
      const d = num / stride;
      offsets[p].push(d);
      dMin = Math.min(dMin, d);
      dMax = Math.max(dMax, d);
    }
  }
  if (dMin > 0 || dMax < 0) return undefined;
  const size = dMax - dMin + 1;
  const taps = offsets.map((row) => {
    const t = new Array<number>(size).fill(-1);
    row.forEach((d, k) => {
      if (!Number.isNaN(d)) t[d - dMin] = k;
    });
    return t;
  });
  const span = taps.map((t): [number, number] => {
    const used = t.map((k, i) => (k >= 0 ? i : -1)).filter((i) => i >= 0);
    return used.length ? [used[0], used[used.length - 1]] : [0, -1];
  });
  return { taps, span, padBegin: -dMin };
}

/**
 * Returns the number of ConvTranspose nodes rewritten. `minChannels`: ConvTransposes with fewer
 * output channels stay (they compute in float; see insert-qdq.ts), and a stride-1 Conv or
 * ConvTranspose with fewer output channels that reads a rewritten strided layer (through one
 * Relu/LeakyRelu or none) is computed on that layer's phases instead (phase-domain-conv.ts).
 */
export function convTransposeToConv(graph: GraphProto, minChannels = 8): number {
  const inits = initializerMap(graph);
  const out: NodeProto[] = [];
  const added: TensorProto[] = [];
  let rewritten = 0;
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  const absorbed = new Set<NodeProto>();
  const onlyUser = (tensor: string) => {
    const users = graphOutputs.has(tensor) ? [] : consumers(graph, tensor);
    return users.length === 1 ? users[0] : undefined;
  };
  for (const node of graph.node) {
    if (absorbed.has(node)) continue;
    const outChannels = Number(inits.get(node.input[1])?.dims?.[1] ?? 0);
    if (node.op_type !== 'ConvTranspose' || outChannels < minChannels) {
      out.push(node);
      continue;
    }
    let activation = onlyUser(node.output[0]);
    if (activation && !PHASE_ACTIVATIONS.has(activation.op_type)) activation = undefined;
    // The small layer this one feeds, if any: through the activation, or directly.
    const next = onlyUser(activation ? activation.output[0] : node.output[0]);
    const nextConv = next && asStride1Conv(next, inits);
    const small = next && nextConv && nextConv.dims[0] < minChannels ? { node: next, conv: nextConv } : undefined;
    if (activation && !small && !HOISTED_ACTIVATIONS.has(activation.op_type)) activation = undefined;
    const phased = rewrite(node, inits, added, activation);
    if (!phased) {
      out.push(node);
      continue;
    }
    rewritten++;
    const [sy, sx] = phased.strides;
    if (sy * sx === 1) {
      out.push(...phased.nodes); // the activation, if any, stays where it is
      continue;
    }
    if (activation) absorbed.add(activation);
    const interleaved = activation ? activation.output[0] : node.output[0];
    const consumer = small && sy === sx ? phaseConsumer(small.node, small.conv, phased.outputs, sy, added) : undefined;
    if (consumer) {
      out.push(...phased.nodes, ...consumer);
      absorbed.add(small!.node);
    } else out.push(...phased.nodes, ...interleave(node.output[0], phased.outputs, interleaved, sy, sx, outChannels, added));
  }
  graph.node = out;
  graph.initializer.push(...added);
  pruneInitializers(graph);
  return rewritten;
}

/** `small` (a stride-1 Conv or ConvTranspose, as `conv`) computed on the `s`*`s` `phases` of its input. */
function phaseConsumer(small: NodeProto, conv: Stride1Conv, phases: string[], s: number, added: TensorProto[]): NodeProto[] | undefined {
  const base = small.name || small.output[0];
  // A Conv's kernel is used as it is; a ConvTranspose's flipped copy replaces it (the same count).
  const kernel = small.op_type === 'Conv' ? small.input[1] : `${base}/kernel`;
  const extra: TensorProto[] = small.op_type === 'Conv' ? [] : [floatTensor(kernel, conv.weights, [...conv.dims])];
  const nodes = phaseDomainConv(base, phases, s, conv, kernel, small.output[0], extra);
  if (nodes) added.push(...extra);
  return nodes;
}

/** The phase Convs of `node` (and `activation` per phase), before any interleave. */
interface Phased {
  nodes: NodeProto[];
  /** Phase (py, px) output at py * sx + px; for stride 1, the one Conv's output (node's own name). */
  outputs: string[];
  strides: [number, number];
}

function rewrite(node: NodeProto, inits: Map<string, TensorProto>, added: TensorProto[], activation?: NodeProto): Phased | undefined {
  const w = inits.get(node.input[1]);
  const b = node.input[2] ? inits.get(node.input[2]) : undefined;
  if (!w || (node.input[2] && !b)) return undefined;
  const dims = (w.dims ?? []).map(Number);
  if (dims.length !== 4) return undefined;
  if ((int(node, 'group') ?? 1) !== 1) return undefined;
  if ((ints(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) return undefined;
  if ((ints(node, 'output_padding') ?? [0, 0]).some((d) => d !== 0)) return undefined;
  if (ints(node, 'output_shape') || node.attribute?.some((a) => a.name === 'auto_pad')) return undefined;
  const [cin, cout, kh, kw] = dims;
  const strides = ints(node, 'strides') ?? [1, 1];
  const pads = ints(node, 'pads') ?? [0, 0, 0, 0];
  const kernel = [kh, kw];
  for (const a of [0, 1]) if (kernel[a] - pads[a] - pads[a + 2] !== strides[a]) return undefined;
  const plans = [0, 1].map((a) => planAxis(kernel[a], strides[a], pads[a]));
  if (!plans[0] || !plans[1]) return undefined;
  const [ph, pw] = plans as [AxisPlan, AxisPlan];
  const weights = readFloatTensor(w);
  const bias = b ? readFloatTensor(b) : undefined;
  const base = node.output[0];
  const nodes: NodeProto[] = [];
  const phaseOutputs: string[] = [];
  const [sy, sx] = strides;
  for (let py = 0; py < sy; py++) {
    for (let px = 0; px < sx; px++) {
      const [ty0, ty1] = ph.span[py];
      const [tx0, tx1] = pw.span[px];
      const th = ty1 - ty0 + 1;
      const tw = tx1 - tx0 + 1;
      if (th <= 0 || tw <= 0) return undefined; // a phase no tap reaches: not a 'same' layer
      // Conv weight [cout, cin, th, tw]; ConvTranspose weight [cin, cout, kh, kw].
      const k = new Float32Array(cout * cin * th * tw);
      for (let co = 0; co < cout; co++) {
        for (let ci = 0; ci < cin; ci++) {
          for (let ty = 0; ty < th; ty++) {
            const ky = ph.taps[py][ty0 + ty];
            for (let tx = 0; tx < tw; tx++) {
              const kx = pw.taps[px][tx0 + tx];
              if (ky < 0 || kx < 0) continue;
              k[((co * cin + ci) * th + ty) * tw + tx] = weights[((ci * cout + co) * kh + ky) * kw + kx];
            }
          }
        }
      }
      const suffix = sy * sx === 1 ? '' : `/p${py}${px}`;
      const kName = `${base}/conv${suffix}/kernel`;
      added.push(floatTensor(kName, k, [cout, cin, th, tw]));
      const inputs = [node.input[0], kName];
      // One bias for all phases: insert-qdq.ts then gives the phases of a layer one set of scales.
      if (bias) {
        const bName = `${base}/conv/bias`;
        if (!added.some((t) => t.name === bName)) added.push(floatTensor(bName, bias.slice(), [cout]));
        inputs.push(bName);
      }
      // Conv tap t reads input m - padBegin + t; this phase's first used tap is ty0.
      const top = ph.padBegin - ty0;
      const left = pw.padBegin - tx0;
      const conv: NodeProto = {
        name: `${base}/conv${suffix}`,
        op_type: 'Conv',
        input: inputs,
        output: [sy * sx === 1 ? node.output[0] : `${node.output[0]}${suffix}`],
        attribute: [
          attr.ints('kernel_shape', [th, tw]),
          attr.ints('strides', [1, 1]),
          attr.ints('dilations', [1, 1]),
          attr.i('group', 1),
          attr.ints('pads', [top, left, th - 1 - top, tw - 1 - left]),
        ],
      };
      if (top < 0 || left < 0 || th - 1 - top < 0 || tw - 1 - left < 0) return undefined;
      nodes.push(conv);
      phaseOutputs.push(conv.output[0]);
    }
  }
  if (sy * sx === 1) return { nodes, outputs: phaseOutputs, strides: [sy, sx] };
  if (activation) {
    // Elementwise, so it commutes with the interleave: per phase, where Relu fuses into QLinearConv.
    phaseOutputs.forEach((p, i) => {
      nodes.push({ ...activation, name: `${activation.name ?? p}/phase${i}`, input: [p], output: [`${p}/${activation.op_type}`] });
      phaseOutputs[i] = `${p}/${activation.op_type}`;
    });
  }
  return { nodes, outputs: phaseOutputs, strides: [sy, sx] };
}

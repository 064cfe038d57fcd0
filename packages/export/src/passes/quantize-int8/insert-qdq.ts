/**
 * Static int8 quantization in QDQ form (ONNX QuantizeLinear/DequantizeLinear, opset >= 13), the
 * form onnxruntime's graph optimizer fuses into integer kernels (DQ -> Conv -> Q becomes
 * QLinearConv, DQ -> Gemm -> Q QGemm, DQ -> LeakyRelu -> Q QLinearLeakyRelu, DQ -> Sigmoid -> Q
 * QLinearSigmoid, Concat QLinearConcat; Q/DQ around Reshape, Transpose, DepthToSpace are dropped).
 *
 * - Weights of Conv and Gemm: int8, symmetric (zero point 0, left implicit), one scale per output
 *   channel (Conv axis 0; Gemm's B [K, N] axis 1, or axis 0 when transB = 1), scale = max|w| / 127.
 *   Convs that read the same input and the same bias initializer (the phases of one rewritten
 *   ConvTranspose) share their scales, so each channel keeps one scale, as the original layer would.
 *   A Gemm with fewer than 16 inputs per output (Fashion's Dense 2 -> 2048) gets one scale for the
 *   tensor: a scale and a bias scale per channel would outweigh its int8 weights.
 * - A Conv weight built from one stored kernel by constant Pad/Slice/Concat (the phase-domain image
 *   layer, phase-domain-conv.ts): the stored kernel is quantized per output channel, the chain runs on
 *   int8 (onnxruntime folds it at session start) and its DequantizeLinear gives each channel the
 *   scale of the kernel channel it came from (see `weightChain`).
 * - Biases: int32 with scale x_scale * w_scale[c] and zero point 0, as QLinearConv requires.
 * - Activations: uint8, asymmetric, one scale per tensor from the calibrated range widened to hold 0
 *   (so zero padding and ReLU's 0 are exact): scale = (max - min) / 255, zero_point = round(-min / scale).
 *   Tensors a layout-only op (Reshape, Transpose, DepthToSpace, Flatten, Slice) or a Concat joins share one
 *   scale, so those ops move bytes and never requantize.
 * - Graph outputs stay float: the last quantized tensor is dequantized right before them.
 * - Left without a Q/DQ pair: constants (computed from initializers alone), tensors only Relu reads (Conv -> Relu -> Q fuses into one QLinearConv),
 *   tensors only float-compute layers read (ConvTranspose; Convs with < 8 output channels, whose
 *   weights are still stored int8), and Transpose outputs only Concat reads (onnxruntime moves the
 *   DQ past the Transpose itself; the pair would only add bytes).
 *
 * u8 activations with s8 weights is the pair onnxruntime's MLAS kernels run fastest on x86 (AVX2
 * VPMADDUBSW / AVX-VNNI) and in wasm SIMD; see onnxruntime's quantization guide ("U8S8").
 */
import { attr } from '../../graph/attributes.ts';
import { readFloatTensor } from '../../graph/tensor.ts';
import { DataType, type GraphProto, type NodeProto, type TensorProto } from '../../proto/onnx-types.ts';
import { initializerMap, pruneInitializers } from '../graph-index.ts';

export interface Range {
  min: number;
  max: number;
}

/** Ops that only move values: their output shares their input's quantization. */
const LAYOUT_OPS = new Set(['Reshape', 'Transpose', 'DepthToSpace', 'SpaceToDepth', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Slice']);

export interface QdqOptions {
  /** Convs with fewer output channels keep float compute (weights still stored int8); default 8. */
  minIntegerChannels?: number;
  /** Weight bits, 8 (default, [-127, 127]) or 7 ([-63, 63], avoids VPMADDUBSW saturation on AVX2 without VNNI). */
  weightBits?: 7 | 8;
}

export interface QdqReport {
  /** Conv/Gemm nodes whose weights were quantized. */
  quantizedNodes: string[];
  /** Activation tensors given a QuantizeLinear/DequantizeLinear pair. */
  quantizedTensors: string[];
}

function bytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}
const tensor = (name: string, dataType: number, data: ArrayBufferView, dims: number[]): TensorProto => ({ name, dims, data_type: dataType, raw_data: bytes(data) });
const scalarF = (name: string, v: number) => tensor(name, DataType.FLOAT, Float32Array.of(v), []);

/** Scale and zero point of a uint8 activation over `range` (widened to include 0). */
export function activationParams(range: Range): { scale: number; zeroPoint: number } {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`calibration range [${range.min}, ${range.max}] is not finite`);
  const scale = max - min > 0 ? (max - min) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

/** Union-find over tensor names: which tensors must share one scale. */
class Groups {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

/**
 * Quantize `graph` in place. `ranges` holds the calibrated float range of every float tensor that a
 * node produces or the graph takes in (see calibrate.ts); tensors without a range stay float.
 * Throws RangeError when a weight that should be quantized is not a raw float initializer.
 */
export function insertQdq(graph: GraphProto, ranges: ReadonlyMap<string, Range>, options: QdqOptions = {}): QdqReport {
  const qmax = options.weightBits === 7 ? 63 : 127;
  const inits = initializerMap(graph);
  const outputs = new Set(graph.output.map((o) => o.name));
  const groups = new Groups();
  for (const n of graph.node) {
    if (LAYOUT_OPS.has(n.op_type) && ranges.has(n.input[0]) && ranges.has(n.output[0])) groups.union(n.input[0], n.output[0]);
    if (n.op_type === 'Concat' && ranges.has(n.output[0])) for (const i of n.input) if (ranges.has(i)) groups.union(i, n.output[0]);
  }
  const groupRange = new Map<string, Range>();
  for (const [name, r] of ranges) {
    const g = groups.find(name);
    const prev = groupRange.get(g);
    groupRange.set(g, prev ? { min: Math.min(prev.min, r.min), max: Math.max(prev.max, r.max) } : { ...r });
  }

  // One scale/zero-point initializer pair per group.
  const added: TensorProto[] = [];
  const params = new Map<string, { scale: number; zeroPoint: number; scaleName: string; zpName: string }>();
  const paramsOf = (t: string) => {
    const g = groups.find(t);
    let p = params.get(g);
    if (!p) {
      const { scale, zeroPoint } = activationParams(groupRange.get(g)!);
      // Short names: every Q/DQ node repeats them, and they add up in a small model's bytes.
      p = { scale, zeroPoint, scaleName: `a${params.size}:scale`, zpName: `a${params.size}:zero_point` };
      added.push(scalarF(p.scaleName, scale), tensor(p.zpName, DataType.UINT8, Uint8Array.of(zeroPoint), []));
      params.set(g, p);
    }
    return p;
  };

  // Activations: Q -> DQ right after the producer (or at the graph input); consumers read the DQ.
  const quantizedTensors: string[] = [];
  const rename = new Map<string, string>();
  const after = new Map<string, NodeProto[]>(); // producer output -> its Q/DQ nodes
  const head: NodeProto[] = [];
  const produced = new Set(graph.node.flatMap((n) => n.output));
  const consumed = new Set(graph.node.flatMap((n) => n.input));
  // A tensor only Relu reads stays float: onnxruntime then fuses Conv -> Relu -> Q into one
  // QLinearConv at the Relu's scale, instead of requantizing from the pre-Relu range.
  const transposeIntoConcat = (name: string) => graph.node.some((n) => n.op_type === 'Transpose' && n.output[0] === name) && graph.node.filter((n) => n.input.includes(name)).every((n) => n.op_type === 'Concat');
  const onlyRelu = (name: string) => graph.node.filter((n) => n.input.includes(name)).every((n) => n.op_type === 'Relu');
  // Convs with few output channels (the image layer: 1 or 3) compute in float with int8-stored
  // weights: MLAS's int8 kernels fill blocks of 16 output channels, so there the int8 conv measured
  // slower than fp32 (faces decoder_output, 64 -> 3 channels at 64x64: 117 vs 77 ms at batch 64).
  const minChannels = options.minIntegerChannels ?? 8;
  // ConvTranspose always: onnxruntime's CPU provider has no int8 ConvTranspose kernel.
  const floatCompute = new Set(
    graph.node.filter((n) => n.op_type === 'ConvTranspose' || (n.op_type === 'Conv' && Number(inits.get(n.input[1])?.dims?.[0] ?? minChannels) < minChannels)),
  );
  const onlyFloatCompute = (name: string) => graph.node.filter((n) => n.input.includes(name)).every((n) => floatCompute.has(n));
  // Tensors computed from initializers alone (weight chains, see weightChain): constants, not activations.
  const constant = new Set<string>();
  for (const n of graph.node) if (n.input.every((i) => !i || inits.has(i) || constant.has(i))) for (const o of n.output) constant.add(o);
  for (const name of ranges.keys()) {
    if (outputs.has(name) || !consumed.has(name) || inits.has(name) || constant.has(name) || onlyRelu(name) || onlyFloatCompute(name)) continue;
    if (transposeIntoConcat(name)) continue;
    const p = paramsOf(name);
    const q = `${name}:q`;
    const dq = `${name}:dq`;
    const pair: NodeProto[] = [
      { op_type: 'QuantizeLinear', input: [name, p.scaleName, p.zpName], output: [q] },
      { op_type: 'DequantizeLinear', input: [q, p.scaleName, p.zpName], output: [dq] },
    ];
    if (produced.has(name)) after.set(name, pair);
    else head.push(...pair);
    rename.set(name, dq);
    quantizedTensors.push(name);
  }

  // Weights and biases of Conv and Gemm whose input is quantized.
  interface WeightPlan {
    node: NodeProto;
    values: Float32Array;
    dims: number[];
    axis: number;
    /** Channel index of each value; -1 when one scale covers the tensor. */
    chanOf: (i: number) => number;
    key: string;
  }
  const plans: WeightPlan[] = [];
  const chained: { node: NodeProto; chain: WeightChain }[] = [];
  const groupAbsMax = new Map<string, Float32Array>();
  for (const n of graph.node) {
    if (n.op_type !== 'Conv' && n.op_type !== 'Gemm' && n.op_type !== 'ConvTranspose') continue;
    const x = n.input[0];
    const w = inits.get(n.input[1]);
    const chain = n.op_type === 'Conv' && !w && rename.has(x) ? weightChain(graph, inits, n.input[1]) : undefined;
    if (chain) chained.push({ node: n, chain });
    if ((!rename.has(x) && !floatCompute.has(n)) || !w || w.data_type !== DataType.FLOAT) continue;
    const get = (name: string) => n.attribute?.find((a) => a.name === name);
    if (n.op_type === 'Gemm' && ((get('alpha')?.f ?? 1) !== 1 || (get('beta')?.f ?? 1) !== 1 || Number(get('transA')?.i ?? 0) !== 0)) continue;
    const dims = (w.dims ?? []).map(Number);
    const transB = Number(get('transB')?.i ?? 0);
    // Output channels: Conv W [M, C, kh, kw] axis 0; ConvTranspose W [C, M, kh, kw] axis 1; Gemm B [K, N] axis 1 ([N, K] with transB).
    const axis = n.op_type === 'Conv' || (n.op_type === 'Gemm' && transB === 1) ? 0 : 1;
    const fanIn = dims.reduce((a, b) => a * b, 1) / dims[axis];
    const perTensor = n.op_type === 'Gemm' && fanIn < 16;
    const channels = perTensor ? 1 : dims[axis];
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const chanOf = perTensor ? () => 0 : (i: number) => Math.floor(i / inner) % channels;
    const values = readFloatTensor(w);
    const key = n.op_type === 'Conv' && n.input[2] ? `${x}|${n.input[2]}` : n.input[1];
    const absMax = groupAbsMax.get(key) ?? new Float32Array(channels);
    if (absMax.length !== channels) throw new RangeError(`Conv "${n.name}" shares input and bias with a Conv of ${absMax.length} channels, but has ${channels}`);
    values.forEach((v, i) => {
      const c = chanOf(i);
      absMax[c] = Math.max(absMax[c], Math.abs(v));
    });
    groupAbsMax.set(key, absMax);
    plans.push({ node: n, values, dims, axis, chanOf, key });
  }
  const quantizedNodes: string[] = [];
  const weightNodes: NodeProto[] = [];
  const emittedBias = new Set<string>();
  /** Bias of a quantized Conv/Gemm `n` with per-channel weight scales `wScale`: int32 at x_scale * w_scale. */
  const quantizeBias = (n: NodeProto, wScale: Float32Array) => {
    const channels = wScale.length;
    const b = n.input[2] ? inits.get(n.input[2]) : undefined;
    const biasLength = Number(b?.dims?.[0] ?? 0);
    if (!b || floatCompute.has(n) || b.data_type !== DataType.FLOAT || b.dims?.length !== 1 || (biasLength !== channels && channels !== 1)) return;
    const bb = n.input[2];
    if (!emittedBias.has(bb)) {
      const xScale = paramsOf(n.input[0]).scale;
      const bScale = Float32Array.from(wScale, (s) => xScale * s);
      const bq = Int32Array.from(readFloatTensor(b), (v, c) => Math.round(v / bScale[channels === 1 ? 0 : c]));
      added.push(tensor(`${bb}:int32`, DataType.INT32, bq, [biasLength]), tensor(`${bb}:b_scale`, DataType.FLOAT, bScale, channels === 1 ? [] : [channels]));
      weightNodes.push({ op_type: 'DequantizeLinear', input: [`${bb}:int32`, `${bb}:b_scale`], output: [`${bb}:dq`], attribute: channels === 1 ? [] : [attr.i('axis', 0)] });
      emittedBias.add(bb);
    }
    n.input[2] = `${bb}:dq`;
  };

  // Weights built from one stored kernel by constant Pad/Slice/Concat: quantize the stored kernel
  // (int8, per output channel), run the same chain on int8, dequantize its result with each
  // channel's source scale. onnxruntime folds the int8 chain into an initializer at session start.
  const rootScales = new Map<string, Float32Array>();
  for (const { node: n, chain } of chained) {
    let scales = rootScales.get(chain.root);
    const root = inits.get(chain.root)!;
    if (!scales) {
      const values = readFloatTensor(root);
      const dims = (root.dims ?? []).map(Number);
      const inner = values.length / dims[0];
      const absMax = new Float32Array(dims[0]);
      values.forEach((v, i) => (absMax[Math.floor(i / inner)] = Math.max(absMax[Math.floor(i / inner)], Math.abs(v))));
      scales = Float32Array.from(absMax, (m) => (m > 0 ? m / qmax : 1));
      const s = scales;
      added.push(tensor(`${chain.root}:int8`, DataType.INT8, Int8Array.from(values, (v, i) => Math.max(-qmax, Math.min(qmax, Math.round(v / s[Math.floor(i / inner)])))), dims));
      for (const c of chain.nodes) c.input = c.input.map((i) => (i === chain.root ? `${chain.root}:int8` : i));
      rootScales.set(chain.root, scales);
    }
    const s = scales;
    const wScale = Float32Array.from(chain.channels, (c) => (c < 0 ? 1 : s[c]));
    const scaleName = `${chain.root}:w_scale${wScale.length}`;
    if (!added.some((t) => t.name === scaleName)) added.push(tensor(scaleName, DataType.FLOAT, wScale, [wScale.length]));
    const w = n.input[1];
    // After the chain's last node (the nodes keep topological order), not with the other weights.
    after.set(w, [{ op_type: 'DequantizeLinear', input: [w, scaleName], output: [`${w}:dq`], attribute: [attr.i('axis', 0)] }]);
    n.input[1] = `${w}:dq`;
    quantizeBias(n, wScale);
    quantizedNodes.push(n.name ?? n.output[0]);
  }

  for (const { node: n, values, dims, axis, chanOf, key } of plans) {
    const absMax = groupAbsMax.get(key)!;
    const channels = absMax.length;
    const wScale = Float32Array.from(absMax, (m) => (m > 0 ? m / qmax : 1));
    const q = Int8Array.from(values, (v, i) => Math.max(-qmax, Math.min(qmax, Math.round(v / wScale[chanOf(i)]))));
    const base = n.input[1];
    const scaleName = `${key.split('|').pop()}:w_scale`;
    if (!added.some((t) => t.name === scaleName)) added.push(tensor(scaleName, DataType.FLOAT, wScale, channels === 1 ? [] : [channels]));
    added.push(tensor(`${base}:int8`, DataType.INT8, q, dims));
    // onnxruntime fuses DQ -> Gemm -> Q into QGemm only with the weights' zero point spelled out
    // (Conv fuses without); it costs one byte a channel.
    const wInputs = [`${base}:int8`, scaleName];
    if (n.op_type === 'Gemm') {
      added.push(tensor(`${base}:zero_point`, DataType.INT8, new Int8Array(channels), channels === 1 ? [] : [channels]));
      wInputs.push(`${base}:zero_point`);
    }
    weightNodes.push({
      op_type: 'DequantizeLinear',
      input: wInputs,
      output: [`${base}:dq`],
      attribute: channels === 1 ? [] : [attr.i('axis', axis)],
    });
    n.input[1] = `${base}:dq`;
    quantizeBias(n, wScale);
    quantizedNodes.push(n.name ?? n.output[0]);
  }

  const nodes: NodeProto[] = [...weightNodes, ...head];
  for (const n of graph.node) {
    n.input = n.input.map((i) => rename.get(i) ?? i);
    nodes.push(n);
    for (const o of n.output) nodes.push(...(after.get(o) ?? []));
  }
  graph.node = nodes;
  graph.initializer.push(...added);
  pruneInitializers(graph);
  return { quantizedNodes, quantizedTensors };
}

/** A Conv weight computed from one float initializer by Pad/Slice/Concat (phase-domain-conv.ts). */
interface WeightChain {
  /** The stored kernel [M, ...]. */
  root: string;
  /** Per output channel of the result: the root's channel it holds, or -1 (all zeros). */
  channels: number[];
  /** The chain's nodes (they read the root or each other). */
  nodes: NodeProto[];
}

function int64Values(t: TensorProto | undefined): number[] | undefined {
  if (!t || t.data_type !== DataType.INT64) return undefined;
  if (t.raw_data) {
    const r = t.raw_data;
    return Array.from(new BigInt64Array(r.buffer.slice(r.byteOffset, r.byteOffset + r.byteLength)), Number);
  }
  return t.int64_data?.map(Number);
}

/**
 * `tensor` as a chain of Pad (zeros, constant pads), Slice (not along axis 0) and Concat (axis 0)
 * over one float initializer, with the initializer channel behind each of its channels; undefined
 * when it is anything else.
 */
export function weightChain(graph: GraphProto, inits: ReadonlyMap<string, TensorProto>, tensor: string): WeightChain | undefined {
  const walk = (t: string): WeightChain | undefined => {
    const init = inits.get(t);
    if (init) return init.data_type === DataType.FLOAT && init.dims?.length ? { root: t, channels: Array.from({ length: Number(init.dims[0]) }, (_, c) => c), nodes: [] } : undefined;
    const n = graph.node.find((x) => x.output[0] === t);
    if (!n) return undefined;
    if (n.op_type === 'Pad') {
      const pads = int64Values(inits.get(n.input[1]));
      const mode = n.attribute?.find((a) => a.name === 'mode');
      if (!pads || n.input[2] || n.input[3] || (mode?.s && new TextDecoder().decode(mode.s) !== 'constant')) return undefined;
      const inner = walk(n.input[0]);
      const [begin, end] = [pads[0], pads[pads.length / 2]];
      if (!inner || begin < 0 || end < 0) return undefined;
      return { root: inner.root, channels: [...new Array<number>(begin).fill(-1), ...inner.channels, ...new Array<number>(end).fill(-1)], nodes: [...inner.nodes, n] };
    }
    if (n.op_type === 'Slice') {
      const axes = int64Values(inits.get(n.input[3]));
      if (!axes || axes.includes(0) || !n.input.slice(1).every((i) => !i || inits.has(i))) return undefined;
      const inner = walk(n.input[0]);
      return inner && { ...inner, nodes: [...inner.nodes, n] };
    }
    if (n.op_type === 'Concat' && Number(n.attribute?.find((a) => a.name === 'axis')?.i ?? -1) === 0) {
      const parts = n.input.map(walk);
      if (parts.some((p) => !p || p.root !== parts[0]!.root)) return undefined;
      const nodes = [...new Set(parts.flatMap((p) => p!.nodes))];
      return { root: parts[0]!.root, channels: parts.flatMap((p) => p!.channels), nodes: [...nodes, n] };
    }
    return undefined;
  };
  return walk(tensor);
}

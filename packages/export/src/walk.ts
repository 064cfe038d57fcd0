/**
 * Walks a Keras functional topology and emits ONNX nodes through the registered converters.
 * Nested models (Functional, Sequential, at any depth) are inlined: each application of a nested
 * model walks its config again on that application's input tensors, so a model applied twice
 * becomes two copies of its nodes reading the same weights (merged into one initializer each by
 * `shareInitializers` after the passes).
 *
 * Errors are collected, not thrown one by one, so one error lists every problem of every layer:
 * layers without a converter are listed first (`missing`, from the configs alone, so layers after
 * them count too) and every other layer is still converted,
 * recording each one whose converter rejects it (`failures`); layers fed by a missing or failed layer
 * are listed as not converted. `assertConverted` then throws one error with all of it.
 */
import type { ConvertContext, ConverterOptions, Sym } from './converter.ts';
import { ExportError, LayerConversionError, UnsupportedLayersError, type LayerFailure, type UnsupportedLayer } from './errors.ts';
import type { GraphBuilder } from './graph/graph-builder.ts';
import { isContainer, type InboundTensor, type LayerJSON, type ModelConfig } from './keras-format.ts';
import { modelConfig, type KerasModelSource } from './model-source.ts';
import { converterFor, supportedClasses } from './registry.ts';
import { channelsLastConfig, channelsLastView, fromChannelsLastView, isChannelsFirst } from './channels-first.ts';

/** Every layer (nested models included) lacking a converter at `opset`. */
export function findUnsupported(cfg: ModelConfig, opset: number, scope: string[] = []): UnsupportedLayer[] {
  const out: UnsupportedLayer[] = [];
  for (const layer of cfg.layers) {
    const name = [...scope, layer.config.name].join('/');
    if (isContainer(layer.class_name)) out.push(...findUnsupported(modelConfig(layer, name), opset, [...scope, layer.config.name]));
    else if (!converterFor(layer.class_name, opset)) out.push({ name, className: layer.class_name });
  }
  return out;
}


export interface WalkEnv {
  b: GraphBuilder;
  opset: number;
  options: ConverterOptions;
  source: KerasModelSource;
  noiseInput(shape: number[]): string;
  /** Every layer without a converter, nested models included (findUnsupported; set before the walk). */
  missing?: UnsupportedLayer[];
  /** Filled by the walk: layers whose converter threw an ExportError, and layers skipped after them. */
  failures?: LayerFailure[];
  notConverted?: string[];
}

type TensorMap = Map<string, Sym>;
const key = (layer: string, node: number, index: number) => `${layer}:${node}:${index}`;
const nodeKey = (layer: string, node: number) => `${layer}:${node}`;

function inboundNodes(layer: LayerJSON, where: string): InboundTensor[][] {
  const nodes = layer.inbound_nodes ?? [];
  for (const node of nodes) {
    if (!Array.isArray(node) || node.some((t) => !Array.isArray(t))) {
      throw new ExportError(`Layer "${where}": inbound_nodes in an unknown format (${JSON.stringify(node).slice(0, 80)}); expected tfjs/Keras 2 [[name, node, index, kwargs], ...]`);
    }
  }
  return nodes;
}

/**
 * The node index of a layer's first listed inbound node. A nested model's node 0 is its own
 * construction (its Input linked to its outputs), which the outer config leaves out: tfjs numbers
 * a container's kept nodes from 1 (`buildNodeConversionMap` in tfjs-layers' container.ts), as Keras
 * 2 does for models built on an Input (`_should_skip_first_node` in functional.py). A nested model
 * without that construction node (Keras 3's nested Sequential, Keras 2's Sequential built without
 * an input shape) is numbered from 0; references to node 0 tell the two apart.
 */
function firstNodeIndex(cfg: ModelConfig, layer: LayerJSON): number {
  if (!isContainer(layer.class_name)) return 0;
  const name = layer.config.name;
  const refs = [...cfg.layers.flatMap((l) => (l.inbound_nodes ?? []).flat()), ...(cfg.output_layers ?? [])];
  return refs.some((t) => Array.isArray(t) && t[0] === name && t[1] === 0) ? 0 : 1;
}

/**
 * Convert the functional model `cfg` applied to `inputs` (one Sym per input layer), returning
 * one Sym per output layer, or undefined for an output that a failed layer would have computed.
 * `scope` holds the names of enclosing nested models.
 */
export function walkModel(env: WalkEnv, cfg: ModelConfig, inputs: Sym[], scope: string[]): (Sym | undefined)[] {
  const where = [...scope, cfg.name].join('/');
  const tensors: TensorMap = new Map();
  const failed = new Set<string>();
  const inputLayers = cfg.input_layers ?? [];
  if (inputLayers.length !== inputs.length) {
    throw new ExportError(`Model "${where}" has ${inputLayers.length} input(s) but was given ${inputs.length}`);
  }
  inputLayers.forEach(([name, node, index], i) => tensors.set(key(name, node, index), inputs[i]));

  // Layers are listed in topological order by Keras and tfjs; still, resolve until nothing moves.
  const pending: { layer: LayerJSON; node: number; inbound: InboundTensor[] }[] = [];
  for (const layer of cfg.layers) {
    if (layer.class_name === 'InputLayer') continue;
    const first = firstNodeIndex(cfg, layer);
    inboundNodes(layer, [...scope, layer.config.name].join('/')).forEach((inbound, i) => pending.push({ layer, node: first + i, inbound }));
  }
  const known = ([n, k, j]: InboundTensor) => tensors.has(key(n, k, j)) || failed.has(nodeKey(n, k));
  while (pending.length) {
    const ready = pending.findIndex((p) => p.inbound.every(known));
    if (ready < 0) {
      const p = pending[0];
      throw new ExportError(`Model "${where}": layer "${p.layer.config.name}" waits for tensors no layer produces (${p.inbound.map((t) => t.slice(0, 3).join(':')).join(', ')})`);
    }
    const [{ layer, node, inbound }] = pending.splice(ready, 1);
    const ins = inbound.map(([n, k, j]) => tensors.get(key(n, k, j)));
    const outs = ins.every((s) => s !== undefined) ? convertLayer(env, layer, ins as Sym[], scope) : skip(env, layer, scope);
    if (!outs) failed.add(nodeKey(layer.config.name, node));
    else outs.forEach((sym, j) => tensors.set(key(layer.config.name, node, j), sym));
  }
  return (cfg.output_layers ?? []).map(([name, node, index]) => {
    const sym = tensors.get(key(name, node, index));
    if (!sym && !failed.has(nodeKey(name, node))) throw new ExportError(`Model "${where}": output ${name}:${node}:${index} was never computed`);
    return sym;
  });
}

/** A layer fed by a failed layer: not converted, listed in the error. */
function skip(env: WalkEnv, layer: LayerJSON, scope: string[]): undefined {
  (env.notConverted ??= []).push([...scope, layer.config.name].join('/'));
  return undefined;
}

/** The layer's output Syms, or undefined when it failed (the failure is recorded in `env`). */
function convertLayer(env: WalkEnv, layer: LayerJSON, inputs: Sym[], scope: string[]): Sym[] | undefined {
  const path = [...scope, layer.config.name];
  const qualified = path.join('/');
  try {
    if (isContainer(layer.class_name)) {
      const outs = walkModel(env, modelConfig(layer, qualified), inputs, path);
      return outs.every((s) => s !== undefined) ? (outs as Sym[]) : undefined;
    }
    return convertOne(env, layer, inputs, path);
  } catch (err) {
    // Bad input (ExportError) is collected so every problem is reported at once; bugs propagate.
    if (!(err instanceof ExportError)) throw err;
    (env.failures ??= []).push({ name: qualified, className: layer.class_name, message: err.message });
    return undefined;
  }
}

function convertOne(env: WalkEnv, layer: LayerJSON, inputs: Sym[], path: string[]): Sym[] | undefined {
  const qualified = path.join('/');
  const convert = converterFor(layer.class_name, env.opset);
  if (!convert) return undefined; // listed in env.missing (findUnsupported, before the walk)
  let weights: ReturnType<KerasModelSource['weightsFor']> | undefined;
  const weightsOf = () => (weights ??= env.source.weightsFor(path));
  // A channels-first layer runs its channels_last converter on the inputs' channels-last view
  // (channels-first.ts): one Transpose each way, cancelled between channels-first layers by a pass.
  const channelsFirst = isChannelsFirst(layer.class_name, layer.config, inputs);
  const ctx: ConvertContext = {
    b: env.b,
    opset: env.opset,
    writer: env.source.writer ?? 'tfjs',
    layer: { name: qualified, className: layer.class_name, config: channelsFirst ? channelsLastConfig(layer.class_name, layer.config) : layer.config },
    inputs: channelsFirst ? inputs.map((x) => channelsLastView(env.b, x, qualified)) : inputs,
    options: env.options,
    weight: (suffix) => weightsOf().get(suffix),
    requireWeight: (suffix) => {
      const w = weightsOf().get(suffix);
      if (!w) throw new ExportError(`Layer "${qualified}" (${layer.class_name}): weight "${suffix}" is missing; found [${[...weightsOf().keys()].join(', ')}]`);
      return w;
    },
    noiseInput: env.noiseInput,
  };
  const outputs = convert(ctx);
  return channelsFirst ? outputs.map((y) => (y.shape.length === 3 ? fromChannelsLastView(env.b, y, qualified) : y)) : outputs;
}

/**
 * Throws one error when the walk recorded problems: the source's own refusal when it has one (Keras
 * files: unknown classes and options found while reading, plus `failures`), else
 * UnsupportedLayersError when classes lack a converter (with the converters' failures in the same
 * message), else LayerConversionError.
 */
export function assertConverted(env: WalkEnv): void {
  const failures = env.failures ?? [];
  const notConverted = env.notConverted ?? [];
  if (env.source.refuse) throw env.source.refuse(failures);
  if (env.missing?.length) throw new UnsupportedLayersError(env.missing, supportedClasses(), env.opset, failures, notConverted);
  if (failures.length) throw new LayerConversionError(failures, notConverted);
}

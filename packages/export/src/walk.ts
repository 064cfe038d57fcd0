/**
 * Walks a Keras functional topology (nested models inlined) and emits ONNX nodes through the
 * registered converters. First pass: find every layer without a converter, then fail once.
 */
import type { ConvertContext, ConverterOptions, Sym } from './converter.ts';
import { ExportError, UnsupportedLayersError, type UnsupportedLayer } from './errors.ts';
import type { GraphBuilder } from './graph/graph-builder.ts';
import type { InboundTensor, LayerJSON, ModelConfig } from './keras-format.ts';
import { modelConfig, type KerasModelSource } from './model-source.ts';
import { CONTAINER_CLASSES, converterFor, supportedClasses } from './registry.ts';

const isContainer = (cls: string) => (CONTAINER_CLASSES as readonly string[]).includes(cls);

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

export function assertSupported(source: KerasModelSource, opset: number): ModelConfig {
  const cfg = modelConfig(source.topology, 'model');
  const missing = findUnsupported(cfg, opset);
  if (missing.length) throw new UnsupportedLayersError(missing, supportedClasses(), opset);
  return cfg;
}

export interface WalkEnv {
  b: GraphBuilder;
  opset: number;
  options: ConverterOptions;
  source: KerasModelSource;
  noiseInput(shape: number[]): string;
}

type TensorMap = Map<string, Sym>;
const key = (layer: string, node: number, index: number) => `${layer}:${node}:${index}`;

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
 * Convert the functional model `cfg` applied to `inputs` (one Sym per input layer), returning
 * one Sym per output layer. `scope` holds the names of enclosing nested models.
 */
export function walkModel(env: WalkEnv, cfg: ModelConfig, inputs: Sym[], scope: string[]): Sym[] {
  const tensors: TensorMap = new Map();
  const inputLayers = cfg.input_layers ?? [];
  if (inputLayers.length !== inputs.length) {
    throw new ExportError(`Model "${[...scope, cfg.name].join('/')}" has ${inputLayers.length} input(s) but was given ${inputs.length}`);
  }
  inputLayers.forEach(([name, node, index], i) => tensors.set(key(name, node, index), inputs[i]));

  // Layers are listed in topological order by Keras and tfjs; still, resolve until nothing moves.
  const pending: { layer: LayerJSON; node: number; inbound: InboundTensor[] }[] = [];
  for (const layer of cfg.layers) {
    if (layer.class_name === 'InputLayer') continue;
    inboundNodes(layer, [...scope, layer.config.name].join('/')).forEach((inbound, node) => pending.push({ layer, node, inbound }));
  }
  while (pending.length) {
    const ready = pending.findIndex((p) => p.inbound.every(([n, k, j]) => tensors.has(key(n, k, j))));
    if (ready < 0) {
      const p = pending[0];
      throw new ExportError(`Model "${[...scope, cfg.name].join('/')}": layer "${p.layer.config.name}" waits for tensors no layer produces (${p.inbound.map((t) => t.slice(0, 3).join(':')).join(', ')})`);
    }
    const [{ layer, node, inbound }] = pending.splice(ready, 1);
    const ins = inbound.map(([n, k, j]) => tensors.get(key(n, k, j))!);
    const outs = convertLayer(env, layer, ins, scope);
    outs.forEach((sym, j) => tensors.set(key(layer.config.name, node, j), sym));
  }
  return (cfg.output_layers ?? []).map(([name, node, index]) => {
    const sym = tensors.get(key(name, node, index));
    if (!sym) throw new ExportError(`Model "${[...scope, cfg.name].join('/')}": output ${name}:${node}:${index} was never computed`);
    return sym;
  });
}

function convertLayer(env: WalkEnv, layer: LayerJSON, inputs: Sym[], scope: string[]): Sym[] {
  const path = [...scope, layer.config.name];
  const qualified = path.join('/');
  if (isContainer(layer.class_name)) return walkModel(env, modelConfig(layer, qualified), inputs, path);
  const convert = converterFor(layer.class_name, env.opset);
  if (!convert) throw new UnsupportedLayersError([{ name: qualified, className: layer.class_name }], supportedClasses(), env.opset);
  let weights: ReturnType<KerasModelSource['weightsFor']> | undefined;
  const weightsOf = () => (weights ??= env.source.weightsFor(path));
  const ctx: ConvertContext = {
    b: env.b,
    opset: env.opset,
    layer: { name: qualified, className: layer.class_name, config: layer.config },
    inputs,
    options: env.options,
    weight: (suffix) => weightsOf().get(suffix),
    requireWeight: (suffix) => {
      const w = weightsOf().get(suffix);
      if (!w) throw new ExportError(`Layer "${qualified}" (${layer.class_name}): weight "${suffix}" is missing; found [${[...weightsOf().keys()].join(', ')}]`);
      return w;
    },
    noiseInput: env.noiseInput,
  };
  return convert(ctx);
}

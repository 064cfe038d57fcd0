/**
 * Everything exportModel accepts, reduced to one shape: a Keras topology plus a way to fetch a
 * layer's weights. Sources: a live tfjs LayersModel, tfjs ModelArtifacts (model.json topology +
 * weight specs + weight bytes), a model folder on disk, or an encoder + decoder composed into
 * one image -> reconstruction model.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { WeightTensor } from './converter.ts';
import { ExportError, type LayerFailure } from './errors.ts';
import { isContainer, type LayerJSON, type ModelConfig, type ModelTopologyJSON, type TensorKey } from './keras-format.ts';

/** Weights of one layer by Keras suffix ('kernel', 'bias', 'gamma', 'moving_mean', ...). */
export type LayerWeights = Map<string, WeightTensor>;

/**
 * The framework that wrote a model, whose semantics its layers follow where frameworks differ
 * (e.g. UpSampling2D bilinear: tfjs resizes with asymmetric coordinates, Keras with half-pixel
 * centres; hard_sigmoid: Keras 3 is relu6(x + 3) / 6, tfjs and Keras 2 0.2 x + 0.5).
 */
export type ModelWriter = 'tfjs' | 'keras2' | 'keras3';

export interface KerasModelSource {
  kind: 'keras-source';
  topology: ModelTopologyJSON;
  /** Who wrote the model (default 'tfjs': live models, model.json folders, artifacts). */
  writer?: ModelWriter;
  /**
   * Set when reading the model already found layers it cannot export (a Keras file's unknown
   * classes or options): exportModel still converts every other layer, then throws the error this
   * returns, given the converters' own rejections, so one error lists every problem.
   */
  refuse?: (failures: LayerFailure[]) => Error;
  /** `path`: names of the nested models, then the layer's name. */
  weightsFor(path: string[]): LayerWeights;
}

/** The parts of tfjs's io.ModelArtifacts the exporter reads. */
export interface ModelArtifactsLike {
  modelTopology: object;
  weightSpecs?: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
  weightData?: ArrayBuffer | ArrayBuffer[];
}

/** The parts of a tfjs LayersModel the exporter reads (structural, so tfjs stays a peer). */
export interface LayersModelLike {
  toJSON(unused?: unknown, returnString?: boolean): unknown;
  getLayer(name: string): LayerLike;
}
interface LayerLike {
  name: string;
  weights: { originalName: string; shape: (number | null)[]; read(): { dataSync(): ArrayLike<number> } }[];
  getLayer?: (name: string) => LayerLike;
}

export type ExportableModel = LayersModelLike | ModelArtifactsLike | KerasModelSource;

function isLayersModel(m: unknown): m is LayersModelLike {
  return typeof m === 'object' && m !== null && typeof (m as LayersModelLike).toJSON === 'function' && typeof (m as LayersModelLike).getLayer === 'function';
}

/** 'kernel_1' (tfjs uniquified) -> 'kernel'; the last path segment of a weight name. */
function weightSuffix(name: string): string {
  const last = name.split('/').pop() ?? name;
  return last.replace(/_\d+$/, '');
}

function unwrapTopology(t: unknown, where: string): ModelTopologyJSON {
  const obj = t as Record<string, unknown> | null;
  if (obj && typeof obj === 'object' && 'model_config' in obj) return unwrapTopology(obj.model_config, where);
  if (!obj || typeof obj !== 'object' || typeof obj.class_name !== 'string' || typeof obj.config !== 'object') {
    throw new ExportError(`${where}: expected a Keras model topology { class_name, config }, received ${JSON.stringify(t)?.slice(0, 120)}`);
  }
  return obj as unknown as ModelTopologyJSON;
}

/**
 * A model source from a live tfjs LayersModel: its topology from toJSON() and its weights read with
 * dataSync() (on the webgpu backend, copy the model to another backend first).
 * @throws ExportError when the topology is not a Keras model or a layer path leads nowhere.
 */
export function fromLayersModel(model: LayersModelLike): KerasModelSource {
  const topology = unwrapTopology(model.toJSON(null, false), 'LayersModel.toJSON()');
  return {
    kind: 'keras-source',
    topology,
    weightsFor(path) {
      let layer: LayerLike | undefined;
      let container: { getLayer?: (n: string) => LayerLike } = model;
      for (const name of path) {
        if (!container.getLayer) throw new ExportError(`Layer path ${path.join('/')} does not lead to a layer`);
        try {
          layer = container.getLayer(name);
        } catch (err) {
          throw new ExportError(`Layer path ${path.join('/')}: no layer "${name}" in the live model (${(err as Error).message})`);
        }
        container = layer;
      }
      const out: LayerWeights = new Map();
      for (const w of layer?.weights ?? []) {
        out.set(weightSuffix(w.originalName), { shape: w.shape.map(Number), data: Float32Array.from(w.read().dataSync()) });
      }
      return out;
    },
  };
}

/**
 * A model source from tfjs ModelArtifacts ({ modelTopology, weightSpecs, weightData }); `where`
 * names it in error messages.
 * @throws ExportError for a topology that is not a Keras model, or weights that are quantized, not
 *   float32, or do not fill the weight data exactly.
 */
export function fromArtifacts(artifacts: ModelArtifactsLike, where = 'model artifacts'): KerasModelSource {
  const topology = unwrapTopology(artifacts.modelTopology, where);
  const specs = artifacts.weightSpecs ?? [];
  const buffers = artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    bytes.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  // Layer name -> its weights. Weight names are '<scopes>/<layer>/<suffix>'. Two layers may share a
  // name when one sits in a nested model: the k-th weight of a name belongs to the k-th layer of
  // that name in the model's layer order (the order tfjs's `model.weights`, hence the file, follows).
  const byLayer = new Map<string, LayerWeights[]>();
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, c) => a * c, 1);
    if (spec.quantization) throw new ExportError(`${where}: weight "${spec.name}" is quantized; export from an unquantized model.json`);
    if (spec.dtype !== 'float32') throw new ExportError(`${where}: weight "${spec.name}" has dtype ${spec.dtype}; only float32 weights are supported`);
    if (offset + n * 4 > total) throw new ExportError(`${where}: weight data holds ${total} bytes, too few for "${spec.name}" at byte ${offset} (${n * 4} bytes)`);
    const data = new Float32Array(bytes.buffer.slice(offset, offset + n * 4));
    offset += n * 4;
    const parts = spec.name.split('/');
    const layer = parts.length >= 2 ? parts[parts.length - 2] : parts[0];
    const suffix = weightSuffix(spec.name);
    const groups = byLayer.get(layer) ?? [];
    byLayer.set(layer, groups);
    let k = groups.findIndex((g) => !g.has(suffix));
    if (k < 0) k = groups.push(new Map()) - 1;
    groups[k].set(suffix, { shape: spec.shape.slice(), data });
  }
  if (offset !== total) throw new ExportError(`${where}: weight specs describe ${offset} bytes but the weight data holds ${total}`);
  let ordinals: Map<string, number> | undefined;
  return {
    kind: 'keras-source',
    topology,
    weightsFor(path) {
      const groups = byLayer.get(path[path.length - 1]) ?? [];
      if (groups.length <= 1) return groups[0] ?? new Map();
      ordinals ??= layerOrdinals(modelConfig(topology, where));
      return groups[ordinals.get(path.join('/')) ?? 0] ?? new Map();
    },
  };
}

/** 'outer/inner/layer' -> how many layers named 'layer' come before it, depth first. */
function layerOrdinals(cfg: ModelConfig, scope: string[] = [], seen = new Map<string, number>(), out = new Map<string, number>()): Map<string, number> {
  for (const layer of cfg.layers) {
    const path = [...scope, layer.config.name];
    if (isContainer(layer.class_name)) {
      layerOrdinals(modelConfig(layer, path.join('/')), path, seen, out);
      continue;
    }
    const k = seen.get(layer.config.name) ?? 0;
    seen.set(layer.config.name, k + 1);
    out.set(path.join('/'), k);
  }
  return out;
}

/**
 * Reads a tfjs layers model folder (model.json + its weight files; or the model.json path itself)
 * without tfjs. Weights must be unquantized float32.
 * @throws ExportError when model.json is missing, unreadable or not a layers model, or a weight file
 *   is missing, too short or too long for the manifest.
 */
export async function loadModelFolder(dirOrJson: string): Promise<KerasModelSource> {
  const jsonPath = dirOrJson.endsWith('.json') ? dirOrJson : join(dirOrJson, 'model.json');
  let json: { modelTopology?: object; weightsManifest?: { paths: string[]; weights: ModelArtifactsLike['weightSpecs'] }[] };
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (err) {
    throw new ExportError(`Cannot read the tfjs model ${jsonPath}: ${(err as Error).message}`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ExportError(`${jsonPath} is not a tfjs layers model.json (needs modelTopology and weightsManifest)`);
  }
  const weightSpecs: NonNullable<ModelArtifactsLike['weightSpecs']> = [];
  const weightData: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...(group.weights ?? []));
    for (const p of group.paths) {
      const buf = await readFile(join(dirname(jsonPath), p)).catch((err: Error) => {
        throw new ExportError(`Cannot read weights file ${p} listed in ${jsonPath}: ${err.message}`);
      });
      weightData.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    }
  }
  return fromArtifacts({ modelTopology: json.modelTopology, weightSpecs, weightData }, jsonPath);
}

export function toSource(model: ExportableModel): KerasModelSource {
  if ((model as KerasModelSource).kind === 'keras-source') return model as KerasModelSource;
  if (isLayersModel(model)) return fromLayersModel(model);
  if (typeof model === 'object' && model !== null && 'modelTopology' in model) return fromArtifacts(model as ModelArtifactsLike);
  throw new ExportError('exportModel: expected a tfjs LayersModel, tfjs ModelArtifacts ({ modelTopology, weightSpecs, weightData }) or a source from loadModelFolder/composeVae');
}

/** A functional model's config, whatever the container class. */
export function modelConfig(topology: { class_name: string; config: unknown }, where: string): ModelConfig {
  const { class_name: cls, config } = topology;
  if (cls === 'Sequential') {
    const layers = Array.isArray(config) ? (config as LayerJSON[]) : (config as { layers: LayerJSON[] }).layers;
    const name = Array.isArray(config) ? 'sequential' : ((config as { name?: string }).name ?? 'sequential');
    return sequentialToFunctional(name, layers, where);
  }
  if (cls === 'Functional' || cls === 'Model') return config as ModelConfig;
  throw new ExportError(`${where}: expected a Functional, Model or Sequential topology, received class_name "${cls}"`);
}

/** A tensor ref to the output of `layer`'s one application inside a Sequential (see firstNodeIndex in walk.ts). */
const outputOf = (layer: LayerJSON): TensorKey => [layer.config.name, isContainer(layer.class_name) ? 1 : 0, 0];

/** Sequential -> the equivalent functional config (an explicit InputLayer, then a chain). */
function sequentialToFunctional(name: string, layers: LayerJSON[], where: string): ModelConfig {
  if (!layers?.length) throw new ExportError(`${where}: Sequential model "${name}" has no layers`);
  const out: LayerJSON[] = [];
  let prev: TensorKey;
  let rest = layers;
  if (layers[0].class_name === 'InputLayer') {
    out.push({ ...layers[0], inbound_nodes: [] });
    prev = [layers[0].config.name, 0, 0];
    rest = layers.slice(1);
  } else {
    const input = `${name}_input`;
    out.push({ class_name: 'InputLayer', config: { name: input, batch_input_shape: batchInputShape(layers[0], name, where) }, inbound_nodes: [] });
    prev = [input, 0, 0];
  }
  for (const layer of rest) {
    out.push({ ...layer, inbound_nodes: [[[...prev, {}]]] } as LayerJSON);
    prev = outputOf(layer);
  }
  return { name, layers: out, input_layers: [[out[0].config.name, 0, 0]], output_layers: [prev] };
}

/** The input shape (batch included) of a Sequential's first layer: its own, or its first input layer's when it is a model. */
function batchInputShape(first: LayerJSON, sequential: string, where: string): (number | null)[] {
  const own = first.config.batch_input_shape ?? (first.config as { batch_shape?: (number | null)[] }).batch_shape;
  if (own) return own;
  if (isContainer(first.class_name)) return [null, ...inputShapeOf(first as ModelTopologyJSON, `${where}/${first.config.name}`)];
  throw new ExportError(`${where}: the first layer ("${first.config.name}", ${first.class_name}) of Sequential model "${sequential}" has no batch_input_shape; build the model with an input shape`);
}

/** Input shape (batch excluded) of a model's first input layer. */
export function inputShapeOf(topology: ModelTopologyJSON, where: string): (number | null)[] {
  const cfg = modelConfig(topology, where);
  const [name] = cfg.input_layers?.[0] ?? [];
  const layer = cfg.layers.find((l) => l.config.name === name);
  const shape = (layer?.config.batch_input_shape ?? (layer?.config as { batch_shape?: (number | null)[] })?.batch_shape) as (number | null)[] | undefined;
  if (!shape) throw new ExportError(`${where}: cannot find the input shape of input layer "${name}"`);
  return shape.slice(1);
}

/** The shape of the second input of a conditional pair ([K]), or undefined when both models take one input. */
function labelInputShape(encCfg: ModelConfig, decCfg: ModelConfig): (number | null)[] | undefined {
  const encInputs = encCfg.input_layers?.length ?? 1;
  const decInputs = decCfg.input_layers?.length ?? 1;
  if (encInputs === 1 && decInputs === 1) return undefined;
  if (encInputs !== 2 || decInputs !== 2) {
    throw new ExportError(`composeVae: the encoder takes ${encInputs} input(s) and the decoder ${decInputs}; a conditional pair takes two each (image or z, then the one-hot label)`);
  }
  const shapeOf = (cfg: ModelConfig) => {
    const [name] = cfg.input_layers![1]!;
    const layer = cfg.layers.find((l) => l.config.name === name);
    return ((layer?.config.batch_input_shape ?? (layer?.config as { batch_shape?: (number | null)[] })?.batch_shape) as (number | null)[] | undefined)?.slice(1);
  };
  const enc = shapeOf(encCfg);
  const dec = shapeOf(decCfg);
  if (!enc || enc.join() !== dec?.join()) {
    throw new ExportError(`composeVae: the encoder's label input has shape [${enc ?? '?'}] and the decoder's [${dec ?? '?'}]; they must be the same [K]`);
  }
  return enc;
}

/**
 * One model image -> [reconstruction, ...], the decoder fed with the encoder's first output: z for
 * the AE, z_mean for VAEs (deterministic; the Sampling layer and its noise are left out).
 * Outputs: AE [reconstruction, z]; VAE [reconstruction, z_mean, z_log_var]. Built as tfjs would
 * serialize `tf.model({ inputs: image, outputs: [decoder.apply(encoder.apply(image)[0]), ...] })`:
 * the two models are nested layers, each applied once (node 1). Images [batch, H, W, C], latents
 * [batch, latentDim].
 * @throws ExportError when either model cannot be read or its input shape cannot be found.
 */
export function composeVae(encoder: ExportableModel, decoder: ExportableModel): KerasModelSource {
  const enc = toSource(encoder);
  const dec = toSource(decoder);
  const encCfg = modelConfig(enc.topology, 'encoder');
  const decCfg = modelConfig(dec.topology, 'decoder');
  const nOut = encCfg.output_layers?.length ?? 1;
  const writer = enc.writer ?? 'tfjs';
  if ((dec.writer ?? 'tfjs') !== writer) {
    throw new ExportError(`composeVae: the encoder was written by ${writer} and the decoder by ${dec.writer ?? 'tfjs'}; export a pair written by one framework (their layers compute differently)`);
  }
  const shape = inputShapeOf(enc.topology, 'encoder');
  // A conditional pair (two inputs each): the label feeds both, as `label` [batch, K].
  const labelShape = labelInputShape(encCfg, decCfg);
  const label: [string, number, number, Record<string, never>][] = labelShape ? [['label', 0, 0, {}]] : [];
  const layers: LayerJSON[] = [
    { class_name: 'InputLayer', config: { name: 'image', batch_input_shape: [null, ...shape] }, inbound_nodes: [] },
    ...(labelShape ? [{ class_name: 'InputLayer', config: { name: 'label', batch_input_shape: [null, ...labelShape] }, inbound_nodes: [] } as LayerJSON] : []),
    { class_name: 'Functional', name: 'encoder', config: { ...encCfg, name: 'encoder' }, inbound_nodes: [[['image', 0, 0, {}], ...label]] },
    { class_name: 'Functional', name: 'decoder', config: { ...decCfg, name: 'decoder' }, inbound_nodes: [[['encoder', 1, 0, {}], ...label]] },
  ];
  const outputs: TensorKey[] = [['decoder', 1, 0]];
  // z_mean and z_log_var for VAEs (their z needs noise), z for the AE.
  for (let i = 0; i < Math.min(nOut, 2); i++) outputs.push(['encoder', 1, i]);
  return {
    kind: 'keras-source',
    topology: { class_name: 'Functional', config: { name: 'vae', layers, input_layers: labelShape ? [['image', 0, 0], ['label', 0, 0]] : [['image', 0, 0]], output_layers: outputs } },
    writer,
    // A pair read from Keras files with problems keeps its refusal (one error, naming the file).
    refuse: enc.refuse ?? dec.refuse,
    weightsFor(path) {
      const [head, ...rest] = path;
      if (head === 'encoder') return enc.weightsFor(rest);
      if (head === 'decoder') return dec.weightsFor(rest);
      return new Map();
    },
  };
}

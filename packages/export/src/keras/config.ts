/**
 * Keras 3 and Keras 2 (tf.keras) model configs -> the tfjs/Keras 2 topology the exporter's walker
 * reads (src/keras-format.ts), plus where each layer's weights live in a Keras 3 weights file.
 *
 * What differs between the formats (Keras 3: keras/src/models/functional.py, saving/serialization_lib.py;
 * Keras 2: tfjs-layers/src/keras_format/):
 * - inbound_nodes: Keras 3 writes `[{ args: [...keras tensors...], kwargs }]`, each tensor
 *   `{ class_name: '__keras_tensor__', config: { keras_history: [layer, node, index] } }`; Keras 2
 *   writes `[[[layer, node, index, kwargs], ...]]`.
 * - input_layers/output_layers: Keras 3 writes a single tensor as a flat `[name, 0, 0]`.
 * - InputLayer: Keras 3 `batch_shape`, Keras 2 `batch_input_shape`.
 * - LeakyReLU: Keras 3 `negative_slope`, Keras 2 `alpha`.
 * - dtype: Keras 3 a DTypePolicy object, Keras 2 a string.
 * - custom layers: Keras 3 adds `module` and `registered_name` ("Custom>Sampling").
 *
 * Weights in Keras 3 files are stored by tracking key, not by layer name: `layers/<key>/vars/<i>`
 * where <key> is the snake_case class name made unique with a counter over the container's layers
 * in order (keras/src/saving/saving_lib.py, _save_container_state), e.g. `dense_1` for the second
 * Dense layer, whatever its name.
 */
import type { InboundTensor, LayerJSON, ModelConfig, ModelTopologyJSON, TensorKey } from '../keras-format.ts';
import { CONTAINER_CLASSES, supportedClasses } from '../registry.ts';
import type { LayerFailure } from '../errors.ts';
import { KerasFileError, UnsupportedKerasLayersError, type UnknownKerasLayer } from './errors.ts';

type Json = Record<string, unknown>;

/** One layer that may hold weights: its path (nested model names, then its name) and where they are. */
export interface LayerLocation {
  path: string[];
  className: string;
  config: Json;
  /** Keras 3 weights-file group of the layer, e.g. 'layers/functional/layers/dense_1'. */
  trackingPath: string;
}

export interface NormalizedKerasModel {
  topology: ModelTopologyJSON;
  /** path.join('/') -> location, for every non-container layer. */
  layers: Map<string, LayerLocation>;
  /** 3 for Keras 3 configs, 2 for Keras 2 / tf.keras ones. */
  kerasMajor: 2 | 3;
  /** Only with `collect`, and only when something cannot be exported. */
  refusals?: KerasRefusals;
}

export interface NormalizeOptions {
  /** Names the file in errors. */
  file: string;
  /**
   * Whether the layer at `location` stores any weight; used to recognise the book's Sampling layer
   * (two inputs, no weights). Defaults to "no".
   */
  hasWeights?: (location: LayerLocation) => boolean;
  /** A custom sampling layer's class name other than 'Sampling' (see KerasLoadOptions in load.ts). */
  samplingLayer?: string;
  /**
   * Return what cannot be exported (`refusals`) instead of throwing it, so the exporter can add the
   * converters' own rejections and report everything in one error (load.ts). Default: throw.
   */
  collect?: boolean;
}

/** What reading the config found that cannot be exported: unknown classes, and other layers' problems. */
export interface KerasRefusals {
  unknown: UnknownKerasLayer[];
  problems: string[];
}

const isContainer = (cls: string) => (CONTAINER_CLASSES as readonly string[]).includes(cls);

/** keras/src/utils/naming.py to_snake_case. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras's per-container unique names: 'dense', 'dense_1', 'dense_2', ... */
function uniqueNamer(): (base: string) => string {
  const used = new Map<string, number>();
  return (base) => {
    const n = used.get(base);
    if (n === undefined) {
      used.set(base, 0);
      return base;
    }
    used.set(base, n + 1);
    return `${base}_${n + 1}`;
  };
}

function isKerasTensor(v: unknown): v is { config: { keras_history: [string, number, number] } } {
  return typeof v === 'object' && v !== null && (v as Json).class_name === '__keras_tensor__';
}

/** Every Keras tensor in a Keras 3 call's args, in order (lists flattened, as the layer receives them). */
function tensorsIn(v: unknown, out: InboundTensor[]): InboundTensor[] {
  if (isKerasTensor(v)) {
    const [name, node, index] = v.config.keras_history;
    out.push([name, node, index, {}]);
  } else if (Array.isArray(v)) v.forEach((x) => tensorsIn(x, out));
  else if (typeof v === 'object' && v !== null && !('class_name' in v)) Object.values(v).forEach((x) => tensorsIn(x, out));
  return out;
}

/**
 * The operands of a Keras 3 operator layer's call (`x * 2.0` records `keras.src.ops.numpy.Multiply`
 * with args [x, 2.0]): null for a tensor (the inbound tensors, in order), the number for a constant.
 */
function operandsOf(entry: Json): (number | null)[] | undefined {
  const [node] = (entry.inbound_nodes ?? []) as Json[];
  if (!node || typeof node !== 'object' || !Array.isArray(node.args)) return undefined;
  return (node.args as unknown[]).map((a) => (typeof a === 'number' ? a : isKerasTensor(a) ? null : NaN));
}

function convertInbound(entry: Json, where: string, file: string): InboundTensor[][] {
  const nodes = (entry.inbound_nodes ?? []) as unknown[];
  if (!Array.isArray(nodes)) throw new KerasFileError(file, `layer "${where}": inbound_nodes is not a list`);
  return nodes.map((node) => {
    if (Array.isArray(node)) return node as InboundTensor[]; // Keras 2 / tfjs: already [[name, node, index, kwargs]]
    if (typeof node === 'object' && node !== null && 'args' in node) {
      const kwargs = (node as Json).kwargs;
      if (tensorsIn(kwargs ?? {}, []).length) {
        throw new KerasFileError(file, `layer "${where}" is called with a tensor as a keyword argument (${Object.keys(kwargs as Json).join(', ')}); only positional tensor inputs are supported`);
      }
      return tensorsIn((node as Json).args, []);
    }
    throw new KerasFileError(file, `layer "${where}": inbound node in an unknown format (${JSON.stringify(node).slice(0, 80)})`);
  });
}

/** Keras 3 writes one input/output as a flat [name, node, index]; Keras 2 always nests. */
function tensorKeys(v: unknown): TensorKey[] | undefined {
  if (!Array.isArray(v)) return undefined;
  if (v.length === 3 && typeof v[0] === 'string') return [v as TensorKey];
  return v as TensorKey[];
}

function dtypeName(dtype: unknown): string | undefined {
  if (dtype === undefined || dtype === null) return undefined;
  if (typeof dtype === 'string') return dtype;
  const cfg = (dtype as Json).config as Json | undefined;
  return typeof cfg?.name === 'string' ? cfg.name : undefined;
}

function activationName(a: unknown): unknown {
  // Keras 3 may write a built-in activation as a serialized function object.
  if (typeof a === 'object' && a !== null && typeof (a as Json).config === 'string') return (a as Json).config;
  return a;
}

const SAMPLING = 'Sampling';

/**
 * The book's Sampling layer, whatever package it was registered under, or a layer of the class the
 * user named (`samplingLayer`, CLI --sampling-layer) for the same computation under another name.
 */
function looksLikeSampling(entry: Json, samplingLayer: string | undefined): boolean {
  const registered = typeof entry.registered_name === 'string' ? entry.registered_name : undefined;
  const names = [String(entry.class_name).split('>').pop(), registered?.split('>').pop()];
  // Keras 3's legacy .h5 writer puts the registered name in class_name itself ("Custom>Sampling").
  return names.includes(SAMPLING) || (samplingLayer !== undefined && names.includes(samplingLayer));
}

/**
 * A Keras 3 operator layer: `module` keras.src.ops.* in `.keras` files; the legacy `.h5` writer drops
 * the module, but an operation's config has neither `trainable` nor `dtype`, which every layer has.
 */
function isOperation(w: { kerasMajor: 2 | 3 }, entry: Json): boolean {
  if (typeof entry.module === 'string') return entry.module.startsWith(OPS_PREFIX);
  const config = (entry.config ?? {}) as Json;
  return w.kerasMajor === 3 && !isContainer(String(entry.class_name)) && entry.class_name !== 'InputLayer' && !('trainable' in config) && !('dtype' in config);
}

/** Keras 3 records functional-API operators (`x * y`, `x + 3.0`, `keras.ops.reshape`) as operations of these modules. */
const OPS_PREFIX = 'keras.src.ops.';

const LAMBDA_ADVICE =
  'a Lambda layer stores its Python function as marshalled bytecode, which only the Python that saved it can run; ' +
  'rebuild the model with built-in layers (Rescaling, Multiply, Activation, ...) or keras.ops calls on Keras tensors ' +
  '(saved as operator layers), or a custom layer class, then re-save';

interface Walk {
  file: string;
  kerasMajor: 2 | 3;
  hasWeights: (location: LayerLocation) => boolean;
  layers: Map<string, LayerLocation>;
  unknown: UnknownKerasLayer[];
  problems: string[];
  supported: Set<string>;
  samplingLayer?: string;
}

function normalizeLayer(w: Walk, entry: Json, scope: string[], trackingPath: string): LayerJSON {
  const module = isOperation(w, entry) ? (typeof entry.module === 'string' ? entry.module : `${OPS_PREFIX}numpy`) : typeof entry.module === 'string' ? entry.module : undefined;
  // Operator layers become 'ops.<Class>' (numpy module) so they never meet the layer of the same name.
  const className = module?.startsWith(`${OPS_PREFIX}numpy`) ? `ops.${String(entry.class_name)}` : module?.startsWith(OPS_PREFIX) ? `${module.slice(OPS_PREFIX.length)}.${String(entry.class_name)}` : String(entry.class_name);
  const config = { ...((entry.config ?? {}) as Json) };
  if (className.startsWith('ops.')) config.operands = operandsOf(entry);
  const name = String(config.name ?? entry.name ?? '');
  const path = [...scope, name];
  const qualified = path.join('/');
  const inbound_nodes = convertInbound(entry, qualified, w.file);

  if (isContainer(className)) {
    const inner = normalizeContainer(w, className, config, path, trackingPath);
    return { class_name: className, name, config: inner, inbound_nodes } as LayerJSON;
  }

  const dtype = dtypeName(config.dtype);
  // Integer inputs (token indices for an Embedding) stay integers: the graph input becomes int64.
  const intInput = className === 'InputLayer' && dtype !== undefined && /^u?int(8|16|32|64)$/.test(dtype);
  if (dtype !== undefined && dtype !== 'float32' && !intInput) w.problems.push(`layer "${qualified}" (${className}) computes in ${dtype}; only float32 models are supported`);
  config.dtype = intInput ? 'int64' : 'float32';
  if ('activation' in config) config.activation = activationName(config.activation);

  let cls = className;
  const location: LayerLocation = { path, className, config, trackingPath };
  switch (className) {
    case 'InputLayer':
      config.batch_input_shape ??= config.batch_shape;
      break;
    case 'LeakyReLU':
      // Keras 3 renamed alpha to negative_slope (default 0.3 in both).
      if (config.negative_slope !== undefined) config.alpha = config.negative_slope;
      break;
    case 'BatchNormalization':
      if (config.renorm === true) w.problems.push(`layer "${qualified}" (BatchNormalization) uses renorm, which is not supported`);
      break;
    case 'Lambda':
      w.problems.push(`layer "${qualified}" (Lambda): ${LAMBDA_ADVICE}`);
      break;
    default:
      break;
  }
  // LayerScale is ConvNeXt's (keras.applications); a user's class of that name is unknown. The
  // legacy .h5 stores no module: there, ConvNeXt's config keys must be present.
  const convnextKeys = 'init_values' in config && 'projection_dim' in config;
  const foreign = className === 'LayerScale' && (module !== undefined ? module !== 'keras.src.applications.convnext' : !convnextKeys);
  // Sampling is a custom layer in every Keras file: accept it only in the book's form.
  const sampling = looksLikeSampling(entry, w.samplingLayer);
  if (className !== 'Lambda' && (sampling || foreign || !w.supported.has(cls))) {
    const twoInputs = inbound_nodes.length > 0 && inbound_nodes.every((n) => n.length === 2);
    const weightless = !w.hasWeights(location);
    if (sampling && twoInputs && weightless) {
      cls = SAMPLING;
    } else {
      const shown = String(entry.registered_name ?? entry.class_name).split('>').pop()!;
      let hint: string | undefined;
      if (sampling) hint = `a sampling layer must have two inputs [z_mean, z_log_var] and no weights; this one has ${inbound_nodes[0]?.length ?? 0} input(s)${weightless ? '' : ' and weights'}`;
      else if (twoInputs && weightless && module !== 'keras.layers' && !className.includes('.')) {
        hint = `if it is a VAE sampling layer (z_mean + exp(0.5 * z_log_var) * eps), say so with --sampling-layer ${shown}`;
      } else if (module?.startsWith(OPS_PREFIX)) hint = `keras.${module.slice(OPS_PREFIX.length)}.${String(entry.class_name)} (an operator the functional API recorded) has no converter`;
      w.unknown.push({ name: qualified, className, module, registeredName: typeof entry.registered_name === 'string' ? entry.registered_name : undefined, hint });
    }
  }
  location.className = cls;
  w.layers.set(qualified, location);
  return { class_name: cls, name, config: config as LayerJSON['config'], inbound_nodes } as LayerJSON;
}

/** A Functional/Model/Sequential config with every layer normalized. */
function normalizeContainer(w: Walk, className: string, config: Json, scope: string[], trackingPath: string): ModelConfig | Json {
  const where = scope.join('/') || 'model';
  const layers = (Array.isArray(config) ? config : config.layers) as Json[] | undefined;
  if (!Array.isArray(layers) || !layers.length) throw new KerasFileError(w.file, `model "${where}" (${className}) has no layers`);
  const unique = uniqueNamer();
  const sequential = className === 'Sequential';
  const out: LayerJSON[] = layers.map((entry, i) => {
    // Sequential.layers (what Keras 3 saves) leaves out the leading InputLayer.
    // Operator layers (keras.src.ops.*) are operations, not layers: Keras's tracking skips them.
    const operation = isOperation(w, entry);
    const skipTracking = (sequential && i === 0 && entry.class_name === 'InputLayer') || operation;
    const key = skipTracking ? '' : unique(toSnakeCase(String(entry.class_name)));
    return normalizeLayer(w, entry, scope, `${trackingPath ? `${trackingPath}/` : ''}layers/${key}`);
  });
  const base = Array.isArray(config) ? { name: 'sequential' } : config;
  if (sequential) {
    const first = out[0];
    if (first.class_name !== 'InputLayer' && !first.config.batch_input_shape) {
      // Keras 3 keeps a Sequential built without an Input in build_input_shape.
      const shape = (base as Json).build_input_shape ?? first.config.batch_shape;
      if (Array.isArray(shape)) first.config.batch_input_shape = shape as (number | null)[];
    }
    return { ...base, layers: out };
  }
  // Keras 3 numbers a nested Functional's applications from 0 in inbound nodes (keras_history) but
  // from 1 in input_layers/output_layers (functional.py get_tensor: "Functional models start out with
  // a built-in node"): bring the latter to the former, so one tensor has one key.
  const functional = new Set(out.filter((l) => w.kerasMajor === 3 && l.class_name === 'Functional').map((l) => l.config.name));
  const rebase = (keys: TensorKey[] | undefined) => keys?.map(([n, k, j]): TensorKey => (functional.has(n) && k > 0 ? [n, k - 1, j] : [n, k, j]));
  return {
    ...base,
    name: String((base as Json).name ?? scope[scope.length - 1] ?? 'model'),
    layers: out,
    input_layers: rebase(tensorKeys((base as Json).input_layers)),
    output_layers: rebase(tensorKeys((base as Json).output_layers)),
  } as ModelConfig;
}

/**
 * Normalize a Keras model config (`config.json` of a `.keras`, or the `model_config` attribute of a
 * legacy `.h5`). Throws KerasFileError listing every problem found (unknown classes with their module,
 * non-float32 dtypes) at once.
 */
export function normalizeKerasConfig(raw: unknown, options: NormalizeOptions): NormalizedKerasModel {
  const { file } = options;
  const top = raw as Json | null;
  if (!top || typeof top !== 'object' || typeof top.class_name !== 'string' || typeof top.config !== 'object' || top.config === null) {
    throw new KerasFileError(file, `the model config is not a Keras model ({ class_name, config }); received ${JSON.stringify(raw)?.slice(0, 120)}`);
  }
  const className = top.class_name;
  if (!isContainer(className)) {
    throw new KerasFileError(
      file,
      `the saved object is a ${className}, not a Functional or Sequential model. Subclassed models (class VAE(keras.Model)) store no layer graph: save the encoder and the decoder themselves (encoder.save("encoder.keras"))`,
    );
  }
  const kerasMajor: 2 | 3 = looksKeras3(top) ? 3 : 2;
  const w: Walk = {
    file,
    kerasMajor,
    hasWeights: options.hasWeights ?? (() => false),
    layers: new Map(),
    unknown: [],
    problems: [],
    supported: new Set(supportedClasses()),
    samplingLayer: options.samplingLayer,
  };
  const config = normalizeContainer(w, className, top.config as Json, [], '');
  const topology: ModelTopologyJSON = { class_name: className, config: config as ModelConfig };
  const refusals = w.unknown.length || w.problems.length ? { unknown: w.unknown, problems: w.problems } : undefined;
  if (refusals && options.collect) return { topology, layers: w.layers, kerasMajor, refusals };
  if (refusals) throw refusalError(file, refusals, []);
  return { topology, layers: w.layers, kerasMajor };
}

/**
 * One error for everything a Keras file's layers cannot do: unknown classes (UnsupportedKerasLayersError)
 * with every other problem found reading the config and, from the exporter, the converters' rejections.
 */
export function refusalError(file: string, refusals: KerasRefusals, failures: LayerFailure[]): KerasFileError {
  const problems = [...refusals.problems, ...failures.map((f) => f.message.replace(/[.\s]+$/, ''))];
  if (refusals.unknown.length) return new UnsupportedKerasLayersError(file, refusals.unknown, supportedClasses().filter((c) => c !== SAMPLING && !c.startsWith('ops.')), problems);
  return new KerasFileError(file, problems.join('; '));
}

/** Keras 3 configs carry `module` on layers and dict inbound nodes; Keras 2 ones neither. */
function looksKeras3(top: Json): boolean {
  const text = JSON.stringify(top);
  return text.includes('"__keras_tensor__"') || text.includes('"batch_shape"') || typeof top.module === 'string';
}

/** A config that cannot be parsed as JSON. */
export function parseConfigJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KerasFileError(file, `${what} is not valid JSON (${(err as Error).message})`);
  }
}

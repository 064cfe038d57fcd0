/**
 * exportModel: a tfjs layers model (live, as artifacts, or composed) -> serialized ONNX ModelProto.
 */
import { readFileSync } from 'node:fs';
import type { Sym } from './converter.ts';
import { attr } from './graph/attributes.ts';
import { GraphBuilder, type Dim } from './graph/graph-builder.ts';
import { ioNames, NOISE_INPUT } from './io-names.ts';
import { isImage, NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout.ts';
import { irVersionFor, resolveOptions, type ExportOptions, type ResolvedOptions } from './options.ts';
import { runPasses } from './passes/pipeline.ts';
import { encodeModel } from './proto/onnx-proto.ts';
import { DataType, type ModelProto } from './proto/onnx-types.ts';
import { assertConverted, findUnsupported, walkModel, type WalkEnv } from './walk.ts';
import { modelConfig, toSource, type ExportableModel } from './model-source.ts';
import { ExportError } from './errors.ts';

export const PRODUCER_NAME = 'latentkit';
export const PRODUCER_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** The batch dimension's symbolic name in every exported graph. */
export const BATCH_DIM = 'batch';

/** Dims of a graph value: batch first, then the Keras shape (images in the chosen layout). */
function boundaryDims(shape: (number | null)[], layout: 'nhwc' | 'nchw', name: string): Dim[] {
  const dims = shape.map((d, i) => d ?? `${name}_dim${i + 1}`);
  if (shape.length === 3 && layout === 'nchw') return [BATCH_DIM, dims[2], dims[0], dims[1]];
  return [BATCH_DIM, ...dims];
}

/**
 * Builds the ModelProto object of exportModel, not yet serialized (encodeModel serializes it):
 * same shapes, same options.
 * @throws the same errors as exportModel.
 */
export function buildModelProto(model: ExportableModel, options: ExportOptions = {}): ModelProto {
  const opts: ResolvedOptions = resolveOptions(options);
  if (opts.precision === 'int8') {
    throw new ExportError('precision "int8" needs calibration inputs: export a run (exportRun, `pnpm export --precision int8`) or pass an fp32 model to quantizeInt8');
  }
  const source = toSource(model);
  const cfg = modelConfig(source.topology, 'model');
  const b = new GraphBuilder(opts.opset);
  const names = ioNames(opts.role, cfg.input_layers ?? [], cfg.output_layers ?? []);
  for (const n of [...names.inputs, ...names.outputs, NOISE_INPUT]) b.reserve(n);

  // Graph inputs, moved into the graph's NCHW convention.
  const inputs: Sym[] = (cfg.input_layers ?? []).map(([layerName], i) => {
    const layer = cfg.layers.find((l) => l.config.name === layerName);
    const batchShape = (layer?.config.batch_input_shape ?? layer?.config.batch_shape) as (number | null)[] | undefined;
    if (!batchShape) throw new ExportError(`Input layer "${layerName}" has no batch_input_shape`);
    const shape = batchShape.slice(1);
    const name = names.inputs[i];
    // An integer Input (Embedding indices) is an int64 graph input; every other input is float32.
    const integer = typeof layer?.config.dtype === 'string' && /^u?int/.test(layer.config.dtype);
    b.addInput(name, boundaryDims(shape, opts.layout, name), integer ? DataType.INT64 : DataType.FLOAT);
    const sym = { name, shape };
    if (isImage(sym) && opts.layout === 'nhwc') return { name: b.op('Transpose', [name], [attr.ints('perm', NHWC_TO_NCHW)], `${name}/to_nchw`), shape };
    return sym;
  });

  let noiseInputs = 0;
  const env: WalkEnv = {
    b,
    opset: opts.opset,
    options: { gemm: opts.gemm },
    source,
    missing: findUnsupported(cfg, opts.opset),
    noiseInput(shape) {
      // A required input: onnxruntime's JS bindings cannot feed inputs that have an initializer
      // default (they are silently ignored), so an "optional" epsilon would be a trap there.
      const name = noiseInputs++ === 0 ? NOISE_INPUT : b.unique(NOISE_INPUT);
      b.addInput(name, [BATCH_DIM, ...shape]);
      return name;
    },
  };
  const walked = walkModel(env, cfg, inputs, []);
  assertConverted(env); // every layer without a converter or rejected by one, in one error
  const outputs = walked as Sym[];

  outputs.forEach((sym, i) => {
    const name = names.outputs[i];
    let tensor = sym.name;
    if (isImage(sym) && opts.layout === 'nhwc') tensor = b.op('Transpose', [sym.name], [attr.ints('perm', NCHW_TO_NHWC)], `${name}/to_nhwc`);
    b.addOutput(tensor, name, boundaryDims(sym.shape, opts.layout, name));
  });

  const graph = b.build(cfg.name || 'model');
  runPasses({ graph, options: opts, keepInputs: new Set(inputs.map((_, i) => names.inputs[i])), nhwcShapes: b.nhwcShapes, keepFloat32: b.keepFloat32 });

  const metadata: Record<string, string> = {
    ...opts.metadata,
    ...(opts.role ? { role: opts.role } : {}),
    layout: opts.layout,
    precision: opts.precision,
  };
  return {
    ir_version: irVersionFor(opts.opset),
    opset_import: [{ domain: '', version: opts.opset }],
    producer_name: PRODUCER_NAME,
    producer_version: PRODUCER_VERSION,
    graph,
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}

/**
 * Exports a tfjs layers model (live LayersModel, ModelArtifacts, or a source from loadModelFolder,
 * composeVae, loadKerasModel) to ONNX and returns the serialized ModelProto (the .onnx file's bytes).
 * Graph inputs and outputs are float32 with a dynamic batch dimension named BATCH_DIM; images are
 * NHWC (or NCHW with `layout: 'nchw'`) in the model's own units ([0, 1] for the book's models); a VAE
 * encoder also takes the required noise input NOISE_INPUT [batch, latentDim].
 * @throws ExportError for options outside ExportOptions (opset, precision, layout, role, metadata;
 *   int8 without calibration) or a model it cannot read; UnsupportedLayersError listing every layer
 *   without a converter; LayerConversionError listing every layer a converter rejected.
 */
export function exportModel(model: ExportableModel, options: ExportOptions = {}): Uint8Array {
  return encodeModel(buildModelProto(model, options));
}

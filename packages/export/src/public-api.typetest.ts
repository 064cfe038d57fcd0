/**
 * Compile-only checks of the public API (run by `pnpm typecheck`, never executed): the contract
 * other packages rely on keeps its shape.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { composeVae, decodeModel, exportModel, loadModelFolder, type ExportOptions, type ModelProto } from './index.ts';
import type { BundleManifest } from './bundle/export-run.ts';

declare const model: tfl.LayersModel;
declare const artifacts: { modelTopology: object; weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[]; weightData: ArrayBuffer };

const options: ExportOptions = { opset: 13, precision: 'fp16', layout: 'nchw', foldBatchNorm: false, gemm: false, metadata: { kind: 'vae' }, role: 'decoder' };
const a: Uint8Array = exportModel(model, options);
const b: Uint8Array = exportModel(artifacts);
const c: Uint8Array = exportModel(composeVae(model, artifacts), { role: 'vae' });
const d: Promise<Uint8Array> = loadModelFolder('runs/x/decoder').then((m) => exportModel(m));
const proto: ModelProto = decodeModel(a);
const opset: number | bigint = proto.opset_import[0].version;
declare const manifest: BundleManifest;
const files: string | undefined = manifest.onnx.files.vae?.inputs[0].name;

// @ts-expect-error exportModel's precision is 'fp32' | 'fp16' (int8 needs calibration: exportRun)
exportModel(model, { precision: 'int8' });
// @ts-expect-error role is 'encoder' | 'decoder' | 'vae'
exportModel(model, { role: 'gan' });

void [b, c, d, opset, files];

/** @latentkit/export: tfjs layers models -> ONNX ModelProto, written with protobufjs. */
export { exportModel, buildModelProto, PRODUCER_NAME, PRODUCER_VERSION, BATCH_DIM } from './export-model.ts';
export type { ExportOptions, Precision, Layout, ModelRole } from './options.ts';
export { MIN_OPSET, MAX_OPSET } from './options.ts';
export { decodeModel, encodeModel, decodeTensor } from './proto/onnx-proto.ts';
export type { ModelProto, GraphProto, NodeProto, TensorProto, AttributeProto, ValueInfoProto } from './proto/onnx-types.ts';
export { composeVae, loadModelFolder, fromArtifacts, fromLayersModel } from './model-source.ts';
export type { ExportableModel, KerasModelSource, ModelArtifactsLike, LayersModelLike, ModelWriter } from './model-source.ts';
export { UnsupportedLayersError, ExportError } from './errors.ts';
export { LayerConversionError, type LayerFailure } from './errors.ts';
export { supportedClasses } from './registry.ts';
export { NOISE_INPUT } from './io-names.ts';
export { loadKerasModel, type KerasFileSource, type KerasFileInfo, type KerasLoadOptions } from './keras/load.ts';
export { loadKerasWeights, BOOK_ARCHITECTURES, type BookArchitecture } from './keras/arch.ts';
export { exportKerasBundle, type KerasBundleOptions, type KerasBundleResult, type KerasPairOptions } from './keras/bundle.ts';
export { KerasFileError, UnsupportedKerasLayersError } from './keras/errors.ts';
export { writeKerasRunFolder, type KerasRunFolderOptions } from './keras/run-folder.ts';
export {
  exportRun, buildRunModel, defaultBundleDir, describeModel, BUNDLE_MODELS,
  type RunExportOptions, type RunExportResult, type BundleManifest, type BundleModel, type OnnxFileInfo, type TensorInfo,
} from './bundle/export-run.ts';
export { resolveRunDir } from './bundle/run-folder.ts';
export { latentPca, PCA_COMPONENTS, type PcaOptions } from './bundle/pca/latent-pca.ts';
export type { PcaExportOptions } from './bundle/pca/bundle-pca.ts';

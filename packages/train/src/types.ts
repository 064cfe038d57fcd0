/**
 * The in-memory data contract of the train package (datasets and batches). Files that cross a package
 * boundary (run folders, manifests; layout in @latentkit/format's layout.ts) are typed in @latentkit/format.
 */

// The file contract (run manifest, metrics lines, kinds, image shape) lives in @latentkit/format;
// re-exported here so the training code and this package's users keep one import.
export type { ModelKind, ModelSpec, ImageShape, Losses, EpochMetrics, RunManifest } from '@latentkit/format';
export { RUN_FORMAT } from '@latentkit/format';

// The in-memory data contract (Batch, BatchOptions, Dataset) lives in @latentkit/data, which every
// loader implements; re-exported here so the training code keeps one import.
export type { Batch, BatchOptions, Dataset } from '@latentkit/data';

/**
 * @latentkit/data: datasets for latentkit. A folder of your own images (PNG, JPEG, WebP, GIF first
 * frame, TIFF; any sizes; read recursively) becomes training and validation Datasets of the model's
 * size, decoded once into a checked uint8 cache and streamed in batches (loadImageFolder); the
 * in-memory data contract (Dataset, Batch) every loader implements.
 */
export type { Dataset, Batch, BatchOptions, ImageShape } from './types.ts';
export { DataError, CacheError, DataOptionError } from './errors.ts';
export { passOrder, batchRanges, checkLimit, BYTE_TO_UNIT } from './batch-order.ts';
export {
  loadImageFolder, defaultImageCacheDir, isValidationIndex,
  type ImageFolderOptions, type ImageFolder, type ImageFolderReport,
} from './image-folder/load.ts';
export { ImageFolderDataset } from './image-folder/dataset.ts';
export { scanImageFolder, IMAGE_EXTENSIONS } from './image-folder/scan.ts';
export { decodeImage, FITS, type Fit, type DecodeTarget } from './image-folder/decode.ts';
export type { LabelSource } from './image-folder/labels.ts';
export { labelsFromAttribute, attributeClassNames } from './attribute-labels.ts';
export { writeMixedFolder, type MixedFolder, type MixedFolderOptions } from './image-folder/sample-folder.ts';
export { loadFashionMnist, FASHION_MNIST_LABELS, defaultCacheDir, type FashionMnistOptions } from './fashion-mnist/fashion-mnist.ts';
export { loadCelebA, type CelebAOptions } from './celeba/celeba.ts';
export { writeSyntheticFaces, SYNTHETIC_ATTRIBUTES, type SyntheticFacesOptions, type SyntheticAttribute } from './celeba/synthetic-faces.ts';
export { Uint8ImageDataset, type Uint8DatasetArgs } from './uint8-dataset.ts';
